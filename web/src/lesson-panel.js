// The lesson panel and the focused channel: the channel picker moves the
// charts' focus, the legend and the lesson's numbers follow it, and the
// weights figure follows the config. The focus colour is the CSS variable
// --channel (set through CSSOM, allowed under style-src 'self').
import { ChannelPicker, renderLegend } from "./channel-picker.js";
import { renderLesson } from "./lesson.js";
import { renderWeightsFigure } from "./weights-figure.js";

const $ = (id) => document.getElementById(id);

export class LessonPanel {
  constructor({ state, charts }) {
    this.state = state;
    this.charts = charts;
    this.picker = new ChannelPicker($("channel-picker"), (c) => {
      charts.setFocus(c);
      this.#color();
      this.renderRun();
    });
  }

  #color() {
    document.documentElement.style.setProperty("--channel", this.charts.focusColor());
  }

  // A new config: the figure, the lesson's answer.
  renderConfig() {
    const c = this.state.config;
    renderWeightsFigure($("weights-figure"), c.momentum, c.steps);
    this.renderRun();
  }

  // A new run on the charts: the picker's channels, the legend's keys.
  started(shown) {
    const colors = Array.from({ length: shown }, (_, c) => this.charts.colorOf(c));
    this.picker.render(shown, colors);
    this.charts.setFocus(this.picker.focus);
    this.#color();
    renderLegend({
      band: this.charts.hasBand,
      theory: !$("chart-distance").closest("[hidden]"),
      others: shown > 1,
    });
    this.renderRun();
  }

  // The run's numbers for the focused channel, after its last step.
  renderRun() {
    const { state } = this;
    if (!state.config) return;
    const last = state.store?.last();
    const c = this.picker.focus;
    renderLesson(
      $("lesson-text"),
      state.config,
      last && c < last.runningMean.length
        ? {
            step: last.step,
            channel: c,
            runningMean: last.runningMean[c],
            manualMean: last.manualMean[c],
            runningVar: last.runningVar[c],
            manualVar: last.manualVar[c],
          }
        : null,
    );
  }
}
