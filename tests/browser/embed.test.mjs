// Embeds in an author's page: the <batchnorm-lab> element (dist/embed.js) in a
// host page that has a strict Content Security Policy, a sandboxed iframe
// without same-origin, heights posted by the page against the frame's size.
import { test } from "node:test";
import assert from "node:assert/strict";
import { fileEnv, openPage, assertClean, screenshot } from "./helpers.mjs";

export const CSP =
  "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; " +
  "img-src 'self' data: blob:; worker-src 'self' blob:; connect-src 'self'";

// A plain blog's look, light or dark by a class on <body>.
const BLOG_CSS = `body { margin: 0; font: 18px/1.6 Georgia, serif; background: #fffdf8; color: #222; }
body.dark { background: #1e1f24; color: #ddd; }
article { max-width: 720px; margin: 0 auto; padding: 24px 16px; }
h1 { font-size: 1.8em; line-height: 1.2; }
batchnorm-lab, iframe { margin: 1.2em 0; }`;

const env = fileEnv();

// A host page on the server's origin, sent with the strict policy. It records
// every policy violation and every height message it gets.
async function hostPage(
  body,
  { width = 1280, colorScheme = "light", path = "host.html", bodyClass = "" } = {},
) {
  const { page, log, context } = await openPage(env, "about:blank", { width, colorScheme });
  const html = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Host</title>
<script src="host-probe.js"></script><link rel="stylesheet" href="host.css"></head><body class="${bodyClass}">${body}</body></html>`;
  await context.route(`${env.base}${path}`, (route) =>
    route.fulfill({
      status: 200,
      headers: { "content-type": "text/html", "content-security-policy": CSP },
      body: html,
    }),
  );
  // The probe is a file on the host's origin, so that the policy allows it.
  await context.route(`${env.base}host-probe.js`, (route) =>
    route.fulfill({
      status: 200,
      contentType: "text/javascript",
      body: `window.violations = []; window.heights = [];
addEventListener("securitypolicyviolation", (e) => violations.push(e.violatedDirective + " " + e.blockedURI));
addEventListener("message", (e) => { if (e.data && e.data.type === "batchnorm-lab:height") heights.push(e.data.height); });`,
    }),
  );
  await context.route(`${env.base}host.css`, (route) =>
    route.fulfill({ status: 200, contentType: "text/css", body: BLOG_CSS }),
  );
  const warnings = [];
  page.on("console", (msg) => msg.type() === "warning" && warnings.push(msg.text()));
  await page.goto(`${env.base}${path}`);
  return { page, log, context, warnings };
}

// Waits for the framed page to finish its run; returns the frame.
async function finishedFrame(page, selector = "iframe") {
  const handle = await page.waitForSelector(selector);
  const frame = await handle.contentFrame();
  await frame.waitForFunction(() => document.documentElement.dataset.status === "finished", null, {
    timeout: 60000,
  });
  return { handle, frame };
}

test("<batchnorm-lab> frames the page with its attributes and takes the posted height", async () => {
  const { page, log, context, warnings } = await hostPage(
    `<p>Before.</p><script src="embed.js"></script>
<batchnorm-lab seed="5" steps="40" momentum="0.2" id="lab" class="x"></batchnorm-lab><p>After.</p>`,
  );
  const { handle, frame } = await finishedFrame(page);
  const src = new URL(await handle.getAttribute("src"));
  assert.equal(src.pathname, "/index.html");
  assert.equal(src.searchParams.get("seed"), "5");
  assert.equal(src.searchParams.get("steps"), "40");
  assert.equal(src.searchParams.get("momentum"), "0.2");
  assert.equal(src.searchParams.get("embed"), "1");
  assert.equal(src.searchParams.has("id") || src.searchParams.has("class"), false);
  assert.match(await handle.getAttribute("title"), /BatchNorm Lab/);
  // The frame ends as tall as the page says it is, and the page is not cut.
  await page.waitForFunction(() => {
    const h = window.heights.at(-1);
    return h && Math.abs(document.querySelector("iframe").getBoundingClientRect().height - h) < 1;
  });
  const content = await frame.evaluate(() => document.documentElement.scrollHeight);
  const box = await handle.boundingBox();
  assert.ok(Math.abs(content - box.height) <= 1, `content ${content} in a ${box.height} px frame`);
  assert.deepEqual(await page.evaluate(() => window.violations), []);
  assert.deepEqual(warnings, []);
  assertClean(assert, log);
  await context.close();
});

test("<batchnorm-lab> warns about bad and unknown attributes and follows attribute changes", async () => {
  const { page, log, context, warnings } = await hostPage(
    `<script src="embed.js"></script><batchnorm-lab steps="20" speed="fast" colour="red"></batchnorm-lab>`,
  );
  const { handle } = await finishedFrame(page);
  assert.ok(
    warnings.some((w) => /speed must be auto, max, or steps per second/.test(w)),
    warnings.join("\n"),
  );
  assert.ok(
    warnings.some((w) => /unknown attribute "colour"/.test(w)),
    warnings.join("\n"),
  );
  // Passed on, so that the page can say so to the reader too.
  assert.equal(new URL(await handle.getAttribute("src")).searchParams.get("colour"), "red");
  await page.evaluate(() => {
    const lab = document.querySelector("batchnorm-lab");
    lab.setAttribute("seed", "9");
    lab.setAttribute("steps", "25");
    lab.setAttribute("frame-height", "480");
  });
  await page.waitForFunction(() => /seed=9/.test(document.querySelector("iframe").src));
  const src = new URL(await handle.getAttribute("src"));
  assert.equal(src.searchParams.get("steps"), "25");
  assert.equal(await page.locator("iframe").count(), 1, "one frame, reloaded");
  const box = await handle.boundingBox();
  assert.equal(Math.round(box.height), 480, "a fixed frame-height wins over the messages");
  assert.deepEqual(await page.evaluate(() => window.violations), []);
  assertClean(assert, log);
  await context.close();
});

test("<batchnorm-lab> passes on run B's b.FIELD attributes and the page's other fields", async () => {
  const { page, log, context, warnings } = await hostPage(
    `<script src="embed.js"></script><batchnorm-lab seed="3" steps="30" b.momentum="none" probe-seed="7" mc="40" speed="max"></batchnorm-lab>`,
  );
  const { handle, frame } = await finishedFrame(page);
  assert.deepEqual(
    warnings.filter((w) => /batchnorm-lab/.test(w)),
    [],
    "no field of the page is called unknown",
  );
  const src = new URL(await handle.getAttribute("src")).searchParams;
  assert.equal(src.get("b.momentum"), "none");
  assert.equal(src.get("probe-seed"), "7");
  assert.equal(src.get("mc"), "40");
  // The framed page compares: its legend names what B changed.
  await frame.waitForFunction(
    () => document.querySelector("#compare")?.dataset.compare === "ready",
  );
  assert.equal(
    await frame.getAttribute("#compare-legend", "data-text"),
    "A: momentum 0.1 · B: momentum none",
  );
  // A changed b. attribute is followed like any other.
  await page.evaluate(() =>
    document.querySelector("batchnorm-lab").setAttribute("b.momentum", "0.5"),
  );
  await page.waitForFunction(() => /b\.momentum=0\.5/.test(document.querySelector("iframe").src));
  assert.deepEqual(await page.evaluate(() => window.violations), []);
  assertClean(assert, log);
  await context.close();
});

test("the page runs in <iframe sandbox=allow-scripts> (no same-origin) and posts its height", async () => {
  const { page, log, context } = await hostPage(
    `<iframe sandbox="allow-scripts" src="index.html?embed=1&steps=30&seed=3" title="lab" width="600" height="500"></iframe>`,
  );
  const { frame } = await finishedFrame(page);
  const text = await frame.evaluate(
    () => document.querySelector('[data-testid="article-output"]').textContent,
  );
  assert.match(text, /Computed by BatchNorm2d/);
  await page.waitForFunction(() => window.heights.length > 0);
  assert.deepEqual(await page.evaluate(() => window.violations), []);
  assertClean(assert, log);
  await context.close();
});

const BLOG = (theme, embed) => `<article><h1>Why BatchNorm's running mean drifts</h1>
<p>After 2,000 batches of random numbers, BatchNorm2d's running mean is ten times farther from zero than
the mean of every value it saw. Press Run and watch it wander.</p>
${embed}
<p>The running mean is an exponential moving average: it forgets.</p></article>`;

test("screenshots: a blog post with the compact embed at 1280 and 360 px, light and dark", async () => {
  for (const theme of ["light", "dark"]) {
    for (const width of [1280, 360]) {
      const { page, log, context } = await hostPage(
        BLOG(
          theme,
          `<script src="embed.js"></script>
<batchnorm-lab seed="21" steps="2000" panels="mean" controls="run" theme="${theme}" speed="max"></batchnorm-lab>`,
        ),
        { width, colorScheme: theme === "dark" ? "light" : "dark", bodyClass: theme },
      );
      const { handle, frame } = await finishedFrame(page);
      await page.waitForFunction(() => window.heights.length > 0);
      const box = await handle.boundingBox();
      const inner = await frame.evaluate(() => ({
        w: document.documentElement.scrollWidth,
        cw: document.documentElement.clientWidth,
        h: document.documentElement.scrollHeight,
        bg: getComputedStyle(document.documentElement).backgroundColor,
      }));
      assert.ok(
        inner.w <= inner.cw,
        `${theme} ${width}: no horizontal overflow (${inner.w} > ${inner.cw})`,
      );
      assert.ok(Math.abs(inner.h - box.height) <= 1, `${theme} ${width}: sized to its content`);
      assert.ok(box.height <= 560, `compact: ${box.height} px`);
      // The forced theme, against the reader's opposite OS setting.
      assert.equal(inner.bg, theme === "dark" ? "rgb(13, 17, 23)" : "rgb(244, 246, 248)");
      await screenshot(page, `host-blog-${theme}-${width}`);
      assert.deepEqual(await page.evaluate(() => window.violations), []);
      assertClean(assert, log);
      await context.close();
    }
  }
});

test("the copied snippets work as pasted: the fixed iframe's height is what the page posts", async () => {
  // The snippet as "Copy embed code…" writes it, for the server's address.
  const { embedSnippet } = await import("../../web/src/snippets.js");
  const pairs = [
    ["seed", "21"],
    ["steps", "300"],
  ];
  const view = { panels: ["mean"], controls: "run", theme: "light" };
  const fixed = embedSnippet("fixed", env.base, pairs, view).replace(' loading="lazy"', "");
  const declared = Number(fixed.match(/ height="(\d+)"/)[1]);
  assert.ok(declared <= 500, `compact embed: ${declared} px`);
  for (const width of [1280, 360]) {
    const { page, log, context } = await hostPage(`<article>${fixed}</article>`, { width });
    const { handle, frame } = await finishedFrame(page);
    await page.waitForFunction(() => window.heights.length > 0);
    const posted = await page.evaluate(() => window.heights.at(-1));
    assert.equal(posted, declared, `posted at ${width} px`);
    const box = await handle.boundingBox();
    assert.equal(Math.round(box.height), declared);
    const fits = await frame.evaluate(() => {
      const app = document.getElementById("app");
      return (
        app.scrollHeight <= app.clientHeight + 1 &&
        document.documentElement.scrollWidth <= innerWidth
      );
    });
    assert.ok(fits, `nothing cut or overflowing at ${width} px`);
    assertClean(assert, log);
    await context.close();
  }
});
