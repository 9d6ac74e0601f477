// The verification script's download in Node: its file name, and the worker
// request's answers (a script, a refusal, a worker that fails) as the page sees them.
import { test } from "node:test";
import assert from "node:assert/strict";
import { requestVerifyScript, verifyScriptName } from "../../web/src/verify-download.js";

const config = {
  seed: "-7",
  batch: 8,
  channels: 4,
  height: 3,
  width: 5,
  steps: 150,
  momentum: null,
};

test("the file name says the config, in characters every file system takes", () => {
  assert.equal(verifyScriptName(config), "batchnorm-lab_verify_seed-7_8x4x3x5_steps150_mnone.py");
  assert.equal(
    verifyScriptName({ ...config, seed: "18446744073709551615", momentum: 1e-7 }),
    "batchnorm-lab_verify_seed18446744073709551615_8x4x3x5_steps150_m1e-7.py",
  );
  assert.match(verifyScriptName({ ...config, seed: "a/b\\c:d" }), /^[A-Za-z0-9._-]+$/);
});

test("the worker's reply becomes {text} or {message}", async () => {
  const asked = [];
  const engine = (reply) => ({
    request: async (type, body) => {
      asked.push([type, body]);
      if (reply instanceof Error) throw reply;
      return reply;
    },
  });
  assert.deepEqual(await requestVerifyScript(engine({ ok: true, text: "x" }), config), {
    text: "x",
  });
  assert.deepEqual(asked[0], ["verifyScript", { fields: config }]);
  assert.deepEqual(await requestVerifyScript(engine({ ok: false, message: "too wide" }), config), {
    message: "too wide",
  });
  assert.deepEqual(await requestVerifyScript(engine(new Error("worker gone")), config), {
    message: "worker gone",
  });
});
