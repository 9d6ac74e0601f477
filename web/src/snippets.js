// The three embed forms that "Copy embed code" offers, as text: an iframe with
// a fixed height (no script needed on the author's page), an iframe that
// follows the page's posted height (a few lines of script), and the
// <batchnorm-lab> element (one script tag). Pure: the caller gives the page's
// address and the link's fields.
import { fittingHeight } from "./embed-fields.js";

// frameborder="0" rather than a style attribute: a host page with a strict
// style-src drops inline styles, and the default border would add 4 px.
export const FRAME_TITLE =
  "BatchNorm Lab: BatchNorm2d's running statistics against the mean and variance of every input";

export function escapeAttribute(text) {
  return String(text)
    .replace(/&/g, "&amp;")
    .replace(/"/g, "&quot;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;");
}

// pageAddress: the page's URL without its query. pairs: [name, text] of the
// config fields. view: {panels, theme, controls, autoplay, speed, height}
// with height in pixels, or undefined for the height that fits the panels
// (form "fixed") or follows the posted one (forms "auto" and "element").
export function embedSnippet(form, pageAddress, pairs, view) {
  const fixed =
    typeof view.height === "number" ? view.height : fittingHeight(view.panels, view.controls);
  const viewPairs = [];
  if (view.panels) viewPairs.push(["panels", view.panels.join(",")]);
  if (view.controls && view.controls !== "full") viewPairs.push(["controls", view.controls]);
  if (view.theme && view.theme !== "auto") viewPairs.push(["theme", view.theme]);
  if (view.autoplay === false) viewPairs.push(["autoplay", "0"]);
  if (view.speed !== undefined && view.speed !== "auto")
    viewPairs.push(["speed", String(view.speed)]);
  if (form === "element") {
    const script = new URL("embed.js", pageAddress).href;
    const attrs = [...pairs, ...viewPairs];
    if (typeof view.height === "number") attrs.push(["frame-height", String(fixed)]);
    const own = new URL(pageAddress);
    const defaultPage = new URL("index.html", script);
    // The element frames the index.html next to its script; another address is given as src.
    if (own.href !== defaultPage.href && own.href !== new URL("./", script).href)
      attrs.unshift(["src", own.href]);
    const text = attrs.map(([k, v]) => ` ${k}="${escapeAttribute(v)}"`).join("");
    return `<script src="${escapeAttribute(script)}"></script>\n<batchnorm-lab${text}></batchnorm-lab>\n`;
  }
  const query = new URLSearchParams([...pairs, ["embed", "1"], ...viewPairs]);
  if (form === "fixed") query.set("frame-height", String(fixed));
  const url = new URL(pageAddress);
  // Commas stay commas (panels=mean,output): legal in a query, easier to read.
  url.search = query.toString().replace(/%2C/gi, ",");
  const frame = `<iframe src="${escapeAttribute(url.href)}" title="${escapeAttribute(FRAME_TITLE)}" width="100%" height="${fixed}" frameborder="0" loading="lazy"${form === "auto" ? " data-batchnorm-lab" : ""}></iframe>\n`;
  if (form !== "auto") return frame;
  return `${frame}<script>
  addEventListener("message", (event) => {
    if (!event.data || event.data.type !== "batchnorm-lab:height") return;
    for (const frame of document.querySelectorAll("iframe[data-batchnorm-lab]")) {
      if (frame.contentWindow === event.source) frame.style.height = event.data.height + "px";
    }
  });
</script>
`;
}
