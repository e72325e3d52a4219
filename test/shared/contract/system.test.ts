import { describe, expect, it } from 'vitest';
import { describeOrtTelemetry } from '../../../src/shared/contract/system';

describe('describeOrtTelemetry', () => {
  it('says off, on with what to do, or off because of a CI variable', () => {
    expect(describeOrtTelemetry({ off: true, variable: '1' })).toBe(
      "onnxruntime's is off (ORT_DISABLE_TELEMETRY=1); Spanfill sends none",
    );
    expect(describeOrtTelemetry({ off: false, variable: '0' })).toBe(
      "onnxruntime's is on (ORT_DISABLE_TELEMETRY=0 in your environment): it may record usage and send it to Microsoft; unset the variable or set it to 1 to turn it off",
    );
    expect(describeOrtTelemetry({ off: false, variable: null })).toContain('ORT_DISABLE_TELEMETRY unset');
    expect(describeOrtTelemetry({ off: true, variable: '0', ci: 'CI=true' })).toBe(
      "onnxruntime's is off (ORT_DISABLE_TELEMETRY=0, but CI=true: onnxruntime sends nothing on CI); Spanfill sends none",
    );
  });
});
