// Whether WebGPU can be a GPU here: GPU device nodes in /dev and /dev/dri, and the reason
// given for a Linux machine with none (a software Vulkan driver on the CPU).
import { describe, expect, it } from 'vitest';
import { gpuDeviceNodes, softwareWebGpuReason } from '../../../../src/main/engine/onnx/gpuDevices';

const listing =
  (dirs: Record<string, string[]>) =>
  (dir: string): string[] =>
    dirs[dir] ?? [];

describe('gpuDeviceNodes', () => {
  it('finds render nodes, NVIDIA devices and WSL2 dxg, and nothing else', () => {
    expect(
      gpuDeviceNodes(
        listing({
          '/dev': ['null', 'nvidia0', 'nvidiactl', 'nvidia-uvm', 'nvidia12', 'dxg', 'dri', 'tty0'],
          '/dev/dri': ['card0', 'renderD128', 'by-path'],
        }),
      ),
    ).toEqual(['nvidia0', 'nvidia12', 'dxg', 'renderD128']);
    // card0 alone (a display, no render node), NVIDIA's control nodes alone: no GPU to compute on.
    expect(gpuDeviceNodes(listing({ '/dev': ['nvidiactl', 'nvidia-modeset'], '/dev/dri': ['card0'] }))).toEqual([]);
    expect(gpuDeviceNodes(listing({}))).toEqual([]);
  });
});

describe('softwareWebGpuReason', () => {
  it('gives a reason only on Linux with no GPU device node', () => {
    expect(softwareWebGpuReason('linux', [])).toMatch(
      /^no GPU found .*software Vulkan driver .*slower than provider cpu$/,
    );
    expect(softwareWebGpuReason('linux', ['renderD128'])).toBeUndefined();
    expect(softwareWebGpuReason('darwin', [])).toBeUndefined();
    expect(softwareWebGpuReason('win32', [])).toBeUndefined();
  });
});
