// The page's first run: the notices and the phone layout set up, the grammar's
// fields given to the link and the form, and the link's config sent to the
// worker behind its init, to run at once at the link's pace (or wait for Run:
// autoplay=0, a story); then what the link asked for that could not be used.
import { setupEmbed } from "./embed.js";
import { showNotices, initNotices } from "./notices.js";
import { setConfigFields } from "./link.js";
import { fallbackMessages, pytorchNotice, LINK_NOTICE_TITLE } from "./link-notices.js";

// parts: the page's state and link, and the engine, session, form, stories and
// lenses that main.js made; reducedMotion: the media query list.
export async function bootPage({
  state,
  link,
  engine,
  session,
  form,
  stories,
  lenses,
  reducedMotion,
}) {
  initNotices();
  if (state.page.embed) setupEmbed();
  // On a phone the charts come first and the form on demand.
  else if (matchMedia("(max-width: 999px)").matches)
    document.getElementById("settings").open = false;
  session.setStatus("loading");
  // The grammar's fields (init's reply) name the config's fields in the link and the form.
  const named = engine.ready.then(({ fields }) => {
    state.names = fields.map((f) => f.name);
    setConfigFields(fields);
    form.setFields(fields);
  });
  named.catch(() => {}); // rejected only when the engine gives up (onGiveUp tells)
  // The link's config is sent at once, behind the worker's init, and runs at once at the
  // link's pace (which the worker resolves from the steps), unless it waits for Run
  // (autoplay=0, a story): then it is started paused and reset below.
  const autoplay = state.page.autoplay && !stories.holdsRun();
  const first = {
    resolve: true,
    run: autoplay,
    after: named,
    pace: { speed: state.page.speed, reducedMotion: reducedMotion.matches },
  };
  const configText = stories.configText(link.configText);
  let reply;
  // While set, a restarted worker gets the link's config again from here (main.js's onRestart
  // then leaves the status and does not ask for Run).
  state.booting = true;
  try {
    reply = await session.start(configText, { ...first, now: true });
  } catch (error) {
    // The first worker failed before it answered: its successor takes the config.
    if (engine.stopped || !error.unanswered) throw error;
    await named;
    reply = await session.start(configText, first);
  } finally {
    state.booting = false;
  }
  if (reply.ok === false) {
    showNotices(
      "This config cannot run:",
      reply.errors.map((e) => e.message),
      { alert: true },
    );
    return;
  }
  form.fill(state.config);
  // The link's lens in view (the full page: an embed shows its panels only).
  if (state.page.lens && !state.page.embed) lenses.open(state.page.lens, { scroll: true });
  state.pytorchNotice = pytorchNotice(reply.notices, link.configText);
  lenses.notify("notices");
  const messages = [
    ...fallbackMessages(reply.notices, link.problems),
    ...(state.compareNotices ?? []),
  ];
  if (messages.length && !stories.holdNotices(LINK_NOTICE_TITLE, messages)) {
    showNotices(LINK_NOTICE_TITLE, messages);
    // An author testing an embed looks at the console too.
    if (state.page.embed) for (const m of messages) console.warn(`BatchNorm Lab: ${m}`);
  }
  // steps=0 finishes by itself; otherwise play it, or wait for Run (autoplay=0).
  if (state.store.totalSteps === 0 || autoplay) return;
  await session.reset();
}
