// CPU threads beyond the machine's: the contract takes up to 1024 (room for the largest
// servers), and onnxruntime starts as many as asked, but past the machine's own they only take
// turns on the same cores (1000 on two cores made a 4-step run 50 times slower). Settings and
// the Train form say so under their threads box rather than refuse the number, and
// `spanfill train` says it on stderr. The machine's count is system.info's cpuThreads (the
// system service's cpuThreads()).

/** The note for `threads` on a machine with `machineThreads` (system.info's cpuThreads); undefined when none is due. */
export function threadsOverMachine(threads: number, machineThreads: number | undefined): string | undefined {
  if (machineThreads === undefined || machineThreads <= 0 || !(threads > machineThreads)) return undefined;
  return (
    `More than this machine's ${machineThreads} CPU threads: the extra ones only take turns on the same cores, ` +
    'which is usually slower, not faster.'
  );
}
