// Schema version 5: a checkpoint's path is kept relative to the data directory
// ("runs/<id>/checkpoints/step-NNNNNNNN", '/' on every platform), so a data directory that is
// moved or copied (another disk, a new machine, `--data-dir` on a copy) keeps its runs'
// checkpoints. Versions 3–4 wrote absolute paths. A checkpoint has always been written to that
// folder of its run under the name checkpointDirName(step) gives (engine/train/checkpoint.ts:
// 'step-' and the step padded to 8 digits, as printf's %08d pads), so the relative path follows
// from the row alone, whatever directory it was written in.

export const checkpointPathsSchema = `
UPDATE checkpoints SET path = 'runs/' || run_id || '/checkpoints/step-' || printf('%08d', step);
`;
