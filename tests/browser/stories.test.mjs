// The guided stories (web/src/stories.js) opened by link: the question first,
// the answer hidden until a prediction is made, the reveal's numbers against
// the CLI's --json (and PyTorch for the eval-mode probe), keyboard alone,
// reduced motion, embed, leaving a story, a bad name, axe, and screenshots at
// 1280 and 360 px, light and dark, before and after the reveal.
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync, spawnSync } from "node:child_process";
import { join } from "node:path";
import {
  fileEnv,
  sidewaysOverflow,
  axeViolations,
  openPage,
  waitFinished,
  assertClean,
  screenshot,
  repo,
} from "./helpers.mjs";
import { STORIES, STORY_NAMES, storyConfigText, neighbours } from "../../web/src/story-table.js";
import { PYTHON, needsTorch } from "../pytorch.mjs";

const env = fileEnv();

const byName = (name) => STORIES.find((s) => s.name === name);

// The CLI with the story's fields as flags: {json} or {error} (PyTorch's text).
function cli(story) {
  const flags = Object.entries(storyConfigText(story)).map(([k, v]) => `--${k}=${v}`);
  const r = spawnSync("node", [join(repo, "bin/bnlab.cjs"), ...flags, "--json"], {
    encoding: "utf8",
  });
  if (r.status !== 0) return { error: r.stderr.trim() };
  return { json: JSON.parse(r.stdout) };
}

async function open(url, options = {}) {
  const { reducedMotion = "reduce", ...rest } = options;
  const opened = await openPage(env, env.base + url, rest);
  await opened.page.emulateMedia({ reducedMotion });
  await opened.page.waitForSelector('[data-testid="story-question"]');
  // The page is ready (the story's config resolved) and waits for the prediction.
  await opened.page.waitForFunction(() =>
    ["idle", "paused"].includes(document.documentElement.dataset.status),
  );
  return opened;
}

async function predict(page, story) {
  if (story.predict.kind === "choice") {
    await page.locator("input[name=story-choice]").first().check();
  } else {
    await page.focus("#story-estimate");
    await page.keyboard.press("ArrowRight");
  }
}

async function reveal(page) {
  await page.click('[data-testid="story-reveal"]');
  await page.waitForSelector('[data-testid="story-answer"]:not([hidden])', { timeout: 60000 });
  await waitFinished(page);
}

const cellValues = (page) =>
  page.$$eval(".story-table td[data-value]", (tds) => tds.map((td) => Number(td.dataset.value)));
const actualValue = (page) => page.getAttribute('[data-testid="story-actual"]', "data-value");

// float32 values as the CLI prints them (shortest text) and as the page has them.
const f32 = (list) => list.map((v) => Math.fround(v));

// The eval-mode probe of the domain-shift story in PyTorch: channel 0's mean
// of the probe (seed 0) after the story's loop, in eval and train mode.
function pytorchProbe(story) {
  const c = storyConfigText(story);
  const script = `
import torch, torch.nn.functional as F
torch.set_num_threads(1)
n, ch = ${c.batch}, ${c.channels}
probe = torch.randn(n, ch, 1, 1, generator=torch.Generator().manual_seed(0))
torch.manual_seed(${c.seed})
y = torch.randn(n, ch, 1, 1)
model = torch.nn.BatchNorm2d(ch, eps=${c.eps}, momentum=${c.momentum})
with torch.no_grad():
    for k in range(1, ${c.steps} + 1):
        sh = ${c.shift2} if k > ${c.switch} else 0.0
        model(torch.randn_like(y) * 1.0 + sh)
    model.eval()
    out = model(probe)
    train = F.batch_norm(probe, None, None, model.weight, model.bias, training=True, momentum=0.0, eps=${c.eps})
print(repr(out.double().mean(dim=(0, 2, 3))[0].item()), repr(train.double().mean(dim=(0, 2, 3))[0].item()))
`;
  const [evalMean, trainMean] = execFileSync(PYTHON, ["-c", script], { encoding: "utf8" })
    .trim()
    .split(" ")
    .map(Number);
  return { evalMean, trainMean };
}

// What each story's reveal must show, from the CLI (or PyTorch), never from the page.
const CHECKS = {
  async "running-mean"(page, story) {
    const { json } = cli(story);
    const cells = await cellValues(page);
    const expected = [];
    for (let c = 0; c < 3; c++) expected.push(json.running_mean[c], json.manual_mean[c]);
    assert.deepEqual(cells, f32(expected));
    assert.equal(Number(await actualValue(page)), Math.fround(json.running_mean[0]));
    const text = await page.textContent('[data-testid="story-actual"]');
    assert.ok(text.includes(json.running_mean[0].toFixed(4).replace("-", "−")), text);
  },
  async "keras-momentum"(page, story) {
    const { json } = cli(story);
    assert.equal(Number(await actualValue(page)), Math.fround(json.running_mean[0]));
    // The verdict comes from the run: with momentum 0.9 running_mean follows the last batch.
    const verdict = await page.textContent(".story-verdict");
    assert.match(verdict, /Almost only the last batch/);
    const [last, window, all] = await cellValues(page);
    assert.ok(last < window && last < all, `${last} ${window} ${all}`);
  },
  async "batch-of-one"(page, story) {
    const { error } = cli(story);
    assert.match(error, /^ValueError: Expected more than 1 value per channel/);
    assert.equal(await actualValue(page), error);
    // The page's fallback run (batch 2) and the notice come after the reveal.
    await page.waitForSelector("#notices:not([hidden])");
    assert.match(await page.textContent("#notices"), /What PyTorch would raise/);
  },
  async "domain-shift"(page, story, t) {
    const { json } = cli(story);
    const cells = await cellValues(page);
    assert.equal(cells[2], Math.fround(json.running_mean[0]));
    assert.equal(cells[3], Math.fround(json.running_var[0]));
    const actual = Number(await actualValue(page));
    await t.test(
      "the probe's means in eval and train mode against PyTorch's",
      { skip: needsTorch() },
      () => {
        const torch = pytorchProbe(story);
        const close = (a, b) => Math.abs(a - b) <= 1e-12 * Math.max(1, Math.abs(b));
        assert.ok(close(actual, torch.evalMean), `${actual} vs ${torch.evalMean}`);
        assert.ok(close(cells[1], torch.trainMean), `${cells[1]} vs ${torch.trainMean}`);
      },
    );
  },
  async freezing(page, story) {
    const { json } = cli(story);
    // running_mean after the switch's batch: the same config run to that step.
    const switchStep = Number(storyConfigText(story).switch);
    const { json: before } = cli({
      config: story.config.replace("steps=200", `steps=${switchStep}`),
    });
    const [atSwitch, atEnd, target] = await cellValues(page);
    assert.equal(atSwitch, Math.fround(before.running_mean[0]));
    assert.equal(atEnd, Math.fround(json.running_mean[0]));
    assert.equal(target, Number(storyConfigText(story).shift2));
    assert.match(await page.textContent(".story-verdict"), /Near 1: it followed the new data/);
  },
  async "unbiased-variance"(page, story) {
    const { json } = cli(story);
    const cells = await cellValues(page);
    assert.equal(cells[0], Math.fround(json.running_var[0]));
    // momentum=None: running_var is the average of the unbiased batch variances,
    // n/(n-1) = 2 times the average biased one, up to float32 rounding.
    const ratio = Number(await actualValue(page));
    assert.ok(Math.abs(ratio - 2) < 1e-5, `ratio ${ratio}`);
  },
};

test("every story has a check here", () => {
  assert.deepEqual(Object.keys(CHECKS).sort(), [...STORY_NAMES].sort());
});

for (const story of STORIES) {
  test(`story=${story.name}: question first, answer after a prediction, the run's numbers`, async (t) => {
    const { page, log, context } = await open(`?story=${story.name}`);
    assert.equal(await page.textContent("#story-title"), story.title);
    assert.equal(await page.textContent('[data-testid="story-question"]'), story.question);
    assert.equal(await page.isHidden('[data-testid="story-answer"]'), true);
    // Nothing has run: no step, no text of the article, no lens open yet.
    assert.equal(await page.textContent('[data-testid="article-output"]'), "");
    assert.equal(await page.$$eval("details.lens-details[open]", (d) => d.length), 0);
    assert.equal(await page.isVisible("#notices"), false);
    // Reveal without a prediction: a hint, still no answer, nothing run.
    await page.click('[data-testid="story-reveal"]');
    assert.match(await page.textContent(".story-hint"), /first/);
    assert.equal(await page.isHidden('[data-testid="story-answer"]'), true);
    assert.notEqual(await page.evaluate(() => document.documentElement.dataset.status), "running");
    await predict(page, story);
    await reveal(page);
    assert.equal(await page.evaluate(() => document.activeElement?.id), "story-answer-title");
    assert.ok((await page.textContent('[data-testid="story-prediction"]')).length > 0);
    await CHECKS[story.name](page, story, t);
    for (const lens of story.lens)
      assert.equal(await page.isVisible(`#lens-${lens} .lens-body`), true);
    assert.match(page.url(), new RegExp(`story=${story.name}`));
    assert.deepEqual(
      await axeViolations(page, { serious: true }),
      [],
      "axe after the reveal (light)",
    );
    assertClean(assert, log);
    await context.close();
  });
}

test("no peeking: Run, Step and the form's Enter ask for the prediction and run nothing", async () => {
  for (const name of ["running-mean", "keras-momentum"]) {
    const story = byName(name);
    const { page, log, context } = await open(`?story=${name}`);
    const statusBefore = await page.evaluate(() => document.documentElement.dataset.status);
    for (const button of ["#btn-run", "#btn-step"]) {
      await page.click(button);
      assert.match(await page.textContent(".story-hint"), /prediction first/, button);
      // The story's own input has the focus, so the reader is where the answer starts.
      assert.equal(
        await page.evaluate(() => document.activeElement?.closest(".story-predict") !== null),
        true,
        button,
      );
    }
    // A config field submitted with Enter (the settings form) is held the same way.
    await page.evaluate(() => {
      document.getElementById("settings").open = true;
    });
    await page.press("#f-steps", "Enter");
    // With reduced motion a run would finish at once: give it the time to, then look.
    await page.waitForTimeout(400);
    assert.equal(await page.evaluate(() => document.documentElement.dataset.status), statusBefore);
    assert.equal(await page.textContent('[data-testid="article-output"]'), "");
    assert.equal(await page.isHidden('[data-testid="story-answer"]'), true);
    // The prediction then reveals as usual.
    await predict(page, story);
    await reveal(page);
    assertClean(assert, log);
    await context.close();
  }
});

test("keyboard alone: Tab to a choice, arrows pick, Enter reveals, focus on the answer", async () => {
  const { page, log, context } = await open("?story=running-mean");
  let focused = null;
  for (let i = 0; i < 40 && focused !== "story-choice"; i++) {
    await page.keyboard.press("Tab");
    focused = await page.evaluate(() => document.activeElement?.name ?? null);
  }
  assert.equal(focused, "story-choice", "a choice is reachable by Tab");
  const outline = await page.evaluate(() => getComputedStyle(document.activeElement).outlineStyle);
  assert.notEqual(outline, "none", "the focused choice shows its focus");
  await page.keyboard.press("ArrowDown");
  await page.keyboard.press("ArrowDown");
  const picked = await page.evaluate(
    () => document.querySelector("input[name=story-choice]:checked")?.value,
  );
  assert.equal(picked, "far");
  await page.keyboard.press("Tab");
  assert.equal(await page.evaluate(() => document.activeElement?.dataset.testid), "story-reveal");
  await page.keyboard.press("Enter");
  await page.waitForSelector('[data-testid="story-answer"]:not([hidden])', { timeout: 60000 });
  assert.equal(await page.evaluate(() => document.activeElement?.id), "story-answer-title");
  assert.match(await page.textContent(".story-verdict"), /right/);
  // On from the answer: the next story's link.
  for (let i = 0; i < 10; i++) {
    await page.keyboard.press("Tab");
    if (await page.evaluate(() => document.activeElement?.rel === "next")) break;
  }
  assert.equal(await page.evaluate(() => document.activeElement?.rel), "next");
  await page.keyboard.press("Enter");
  await page.waitForSelector('[data-testid="story-question"]');
  assert.match(page.url(), new RegExp(`story=${neighbours("running-mean").next.name}$`));
  assertClean(assert, log);
  await context.close();
});

// The pace the page asks the worker for (null: as fast as possible), read from
// its messages: a timing bound would fail on a loaded machine, the request not.
async function recordSpeeds(page) {
  await page.evaluate(() => {
    window.__speeds = [];
    const post = Worker.prototype.postMessage;
    Worker.prototype.postMessage = function (msg, ...rest) {
      if (msg && (msg.type === "start" || msg.type === "setSpeed")) window.__speeds.push(msg.speed);
      return post.call(this, msg, ...rest);
    };
  });
}

test("reduced motion: the run finishes at once and the answer does not fade in", async () => {
  const revealWith = async (reducedMotion) => {
    const { page, log, context } = await open("?story=running-mean", { reducedMotion });
    await recordSpeeds(page);
    await predict(page, byName("running-mean"));
    const t0 = Date.now();
    await reveal(page);
    const seconds = (Date.now() - t0) / 1000;
    const animation = await page.$eval(".story-answer", (el) => getComputedStyle(el).animationName);
    const speeds = await page.evaluate(() => window.__speeds);
    assertClean(assert, log);
    await context.close();
    return { seconds, animation, speed: speeds.at(-1) };
  };
  const reduced = await revealWith("reduce");
  assert.equal(reduced.speed, null, "reduced motion: the run is asked for at full speed");
  assert.equal(reduced.animation, "none");
  // Without the preference the 2,000 steps play at 500 steps/s (about 4 s), and the answer fades in.
  const motion = await revealWith("no-preference");
  assert.equal(motion.speed, 500);
  assert.ok(motion.seconds >= 3, `the watchable pace took ${motion.seconds} s`);
  assert.equal(motion.animation, "story-in");
});

test("embedded: embed=1&story=... asks, reveals, and its next link stays embedded", async () => {
  const { page, log, context } = await open("?embed=1&story=domain-shift", { width: 600 });
  assert.equal(
    await page.evaluate(() => document.documentElement.classList.contains("embed")),
    true,
  );
  await predict(page, byName("domain-shift"));
  await reveal(page);
  const next = await page.getAttribute('.story-steps a[rel="next"]', "href");
  assert.match(next, new RegExp(`story=${neighbours("domain-shift").next.name}&`));
  assert.match(next, /embed=1/);
  assertClean(assert, log);
  await context.close();
});

test("leaving a story keeps its config on the free page; the header lists the stories", async () => {
  const { page, log, context } = await open("?story=keras-momentum");
  assert.equal(await page.isHidden(".story-menu"), true);
  await page.click("text=Explore this run freely");
  assert.equal(await page.$("#story"), null);
  const url = new URL(page.url());
  assert.equal(url.searchParams.get("story"), null);
  assert.equal(url.searchParams.get("momentum"), "0.9");
  assert.equal(url.searchParams.get("steps"), "200");
  assert.equal(await page.isVisible(".story-menu"), true);
  const links = await page.$$eval(".story-menu a", (as) => as.map((a) => a.getAttribute("href")));
  assert.deepEqual(
    links,
    STORY_NAMES.map((n) => `?story=${n}`),
  );
  assertClean(assert, log);
  await context.close();
});

test("a bad story name: a notice naming the field, and the plain page that plays", async () => {
  const { page, log, context } = await openPage(env, env.base + "?story=nope&steps=50");
  await waitFinished(page);
  assert.equal(await page.$("#story"), null);
  const notice = await page.textContent("#notices");
  assert.match(notice, /“story” = “nope”: story must be one of running-mean, /);
  assert.equal(new URL(page.url()).searchParams.get("story"), null);
  assertClean(assert, log);
  await context.close();
});

for (const width of [1280, 360]) {
  for (const colorScheme of ["light", "dark"]) {
    test(`screenshots and axe at ${width} px, ${colorScheme}: before and after the reveal`, async () => {
      for (const name of ["running-mean", "domain-shift"]) {
        const story = byName(name);
        const { page, log, context } = await open(`?story=${name}`, {
          width,
          colorScheme,
          height: 900,
        });
        const overflow = () => sidewaysOverflow(page);
        assert.ok((await overflow()) <= 0, "horizontal overflow before");
        assert.deepEqual(
          await axeViolations(page, { serious: true }),
          [],
          `axe before (${colorScheme})`,
        );
        await screenshot(page, `story-${name}-${width}-${colorScheme}-before`);
        await predict(page, story);
        await reveal(page);
        assert.ok((await overflow()) <= 0, "horizontal overflow after");
        assert.deepEqual(
          await axeViolations(page, { serious: true }),
          [],
          `axe after (${colorScheme})`,
        );
        await screenshot(page, `story-${name}-${width}-${colorScheme}-after`);
        assertClean(assert, log);
        await context.close();
      }
    });
  }
}

// <batchnorm-lab story="..."> on an author's page under the strict policy: the
// frame asks, reveals, and grows with the answer (the page posts its height).
test("<batchnorm-lab story=...>: a story in an author's page, sized to its answer", async () => {
  const CSP =
    "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; " +
    "img-src 'self' data: blob:; worker-src 'self' blob:; connect-src 'self'";
  const { page, log, context } = await openPage(env, "about:blank");
  await context.route(`${env.base}story-host.html`, (route) =>
    route.fulfill({
      status: 200,
      headers: { "content-type": "text/html", "content-security-policy": CSP },
      body: `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Host</title></head>
<body><p>A blog post.</p><script src="embed.js"></script><batchnorm-lab story="unbiased-variance"></batchnorm-lab></body></html>`,
    }),
  );
  const warnings = [];
  page.on("console", (msg) => msg.type() === "warning" && warnings.push(msg.text()));
  await page.goto(`${env.base}story-host.html`);
  const handle = await page.waitForSelector("iframe");
  const src = new URL(await handle.getAttribute("src"));
  assert.equal(src.searchParams.get("story"), "unbiased-variance");
  assert.equal(src.searchParams.get("embed"), "1");
  const frame = await handle.contentFrame();
  await frame.waitForSelector('[data-testid="story-question"]');
  await frame.waitForFunction(() =>
    ["idle", "paused"].includes(document.documentElement.dataset.status),
  );
  await frame.focus("#story-estimate");
  await frame.press("#story-estimate", "ArrowRight");
  await frame.click('[data-testid="story-reveal"]');
  await frame.waitForSelector('[data-testid="story-answer"]:not([hidden])', { timeout: 60000 });
  // The frame follows the taller page: nothing of the answer is cut off.
  await page.waitForFunction(
    () => {
      const f = document.querySelector("iframe");
      const doc = f.contentDocument;
      return Math.abs(f.getBoundingClientRect().height - doc.documentElement.scrollHeight) <= 1;
    },
    null,
    { timeout: 10000 },
  );
  assert.deepEqual(warnings, []);
  assertClean(assert, log);
  await context.close();
});
