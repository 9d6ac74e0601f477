// "Verify in PyTorch": downloads a Python script, written by the WebAssembly
// module in the worker (the bytes `bnlab --verify-script` prints), that runs the
// current config in PyTorch and checks this page's final numbers bit for bit.

// A file name for the script: the config's main fields, nothing a file system refuses.
export function verifyScriptName(config) {
  const momentum = config.momentum === null ? "none" : String(config.momentum);
  const stem = `batchnorm-lab_verify_seed${config.seed}_${config.batch}x${config.channels}x${config.height}x${config.width}_steps${config.steps}_m${momentum}`;
  return `${stem.replace(/[^A-Za-z0-9._-]/g, "_")}.py`;
}

// Asks the worker for the script of `config` (the config that runs: every field,
// scenario fields included). Resolves with {text} or {message}.
export async function requestVerifyScript(engine, config) {
  try {
    const reply = await engine.request("verifyScript", { fields: config });
    return reply.ok === false ? { message: reply.message } : { text: reply.text };
  } catch (error) {
    return { message: String(error && error.message ? error.message : error) };
  }
}

// Wires the button: `say` shows a status line, `save(parts, type, name)` downloads.
export function setupVerifyDownload({ button, state, engine, say, save }) {
  button.addEventListener("click", async () => {
    const config = state.config;
    if (!config) {
      say("No config yet: wait for the page to load.");
      return;
    }
    button.disabled = true;
    say("Writing the verification script (this runs the config once more)…");
    try {
      const script = await requestVerifyScript(engine, config);
      if (script.text === undefined) {
        say(`No verification script for this config: ${script.message}`);
        return;
      }
      const name = verifyScriptName(config);
      save([script.text], "text/x-python", name);
      say(
        `Saved ${name}. Run it with python3 where PyTorch is installed: it prints ` +
          "“OK: bit-exact” when PyTorch gets exactly this page's numbers.",
      );
    } finally {
      button.disabled = false;
    }
  });
}
