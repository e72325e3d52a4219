// Whether this machine has a GPU for WebGPU to run on. onnxruntime-node does not say which
// adapter Dawn picked, and on Linux a machine without a GPU can still load the WebGPU EP through
// a software Vulkan driver (Mesa's lavapipe, installed with the desktop's Mesa packages), which
// runs every shader on the CPU and trains many times slower than the cpu provider. A GPU
// driver makes device nodes; without any, WebGPU can only be such a driver.
// (onnxruntime's own device discovery looks at /sys/class/drm, then the PCI bus; its verbose log
// says "No GPUs found via /sys/class/drm" here. Containers given an NVIDIA GPU often have no
// /sys/class/drm but do have /dev/nvidia0, so the device nodes are asked instead.)

import { readdirSync } from 'node:fs';

/** Device nodes of GPU drivers under /dev: DRM render nodes (Intel, AMD, virtio…), NVIDIA's, WSL2's. */
const GPU_NODE = /^(renderD\d+|nvidia\d+|dxg)$/;

/** `dir`'s entries, or none when it cannot be read (it does not exist). */
function entries(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

/** The GPU device nodes found in /dev and /dev/dri (names only). */
export function gpuDeviceNodes(list: (dir: string) => string[] = entries): string[] {
  return [...list('/dev'), ...list('/dev/dri')].filter((name) => GPU_NODE.test(name));
}

/**
 * On Linux with no GPU device node, why WebGPU can only be a software driver on the CPU;
 * undefined where a GPU may be there (or another platform, whose WebGPU backends need one).
 */
export function softwareWebGpuReason(platform: NodeJS.Platform, nodes: readonly string[]): string | undefined {
  if (platform !== 'linux' || nodes.length > 0) return undefined;
  return (
    'no GPU found (no /dev/dri render node, /dev/nvidia* or /dev/dxg): WebGPU runs here on a software Vulkan ' +
    "driver (such as Mesa's lavapipe) on the CPU, slower than provider cpu"
  );
}
