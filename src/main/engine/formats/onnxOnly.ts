// A model folder or Hub repository with ONNX graphs but no safetensors weights: the layout
// transformers.js reads (onnx/encoder_model.onnx, onnx/decoder_model_merged.onnx, …), as in the
// Xenova/* repositories and Spanfill's own `--format transformers.js` export. Spanfill trains
// and fills from the weights, so a person who picked such a model is told what it is and where
// the weights are, not only which file is missing.

/** The ONNX graphs among `files` (paths relative to the folder or repository root). */
export function onnxGraphs(files: readonly string[]): string[] {
  return files.filter((file) => file.endsWith('.onnx'));
}

/** Why a folder or repository holding only ONNX `graphs` cannot be used, and what to use instead. */
export function onnxOnlyAdvice(graphs: readonly string[]): string {
  const shown = graphs.slice(0, 2).join(', ') + (graphs.length > 2 ? ', …' : '');
  return (
    `it holds ONNX graphs (${shown}), which Spanfill cannot train or fill from; use the model they were made ` +
    'from (its model card names it; for a Spanfill export, its run)'
  );
}
