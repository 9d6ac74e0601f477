// The worker's `seeds` request, for the Monte Carlo lens's pool (mc-pool.js):
// `bnlab --seeds FROM:COUNT --json` with the config's flags, run by the
// module's CLI (its bytes, one line per seed): {lines} or {ok: false, message}.
export function seedsRequest(M, { flags, from, count }) {
  const r = M.runCli([...flags, "--seeds", `${from}:${count}`, "--json"]);
  if (r.exitCode !== 0) return { ok: false, message: r.err.trim() };
  return { lines: r.out.split("\n").filter((line) => line !== "") };
}
