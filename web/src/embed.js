// Embed mode (embed=1): the page without its header, folded panels, and its
// height posted to the parent page whenever it changes.
export function setupEmbed() {
  document.documentElement.classList.add("embed");
  document.getElementById("settings").open = false;
  document.getElementById("explain-details").open = false;
  if (window.parent === window) return;
  const app = document.getElementById("app");
  let last = 0;
  const post = () => {
    const height = Math.ceil(app.getBoundingClientRect().height);
    if (height === last) return;
    last = height;
    window.parent.postMessage({ type: "batchnorm-lab:height", height }, "*");
  };
  new ResizeObserver(post).observe(app);
  post();
}
