// On a phone the explanation panel is a bottom sheet over the map: big enough for the place card,
// the questions and the verdict, with the map above it. A button at its top ("Uitleg en vragen",
// aria-expanded) makes it small so more of the map shows, and big again. It starts small (the map
// first), goes big when a place is chosen or a saved session opens, when a drawing is done, or
// when keyboard focus goes into it; small while the resident draws or works the map with the
// keyboard (the map and its centre need the room). The page keeps room below its content for the
// sheet, so everything above it can still be scrolled into view. On a wide screen the panel is
// the column beside the map and none of this applies; nor in a frame (a municipality's own page,
// or "Probeer als inwoner"), where a sheet fixed to the frame's bottom would be lost in the page
// around it: there the panel stays below the map.
import { $ } from "./state.js";

/** The width below which the panel is below the map, or a sheet (style.css has the same). */
export const isPhone = () => matchMedia("(max-width: 860px)").matches;

const framed = () => {
  try {
    return window.self !== window.top;
  } catch {
    return true; // (a frame in a page of another site)
  }
};
/** Whether the panel is a sheet now. */
const sheetOn = () => isPhone() && toggle !== null;

let toggle = null;

export function setupSheet() {
  const panel = $("panel");
  if (!panel || !$("sheet-toggle")) return;
  if (framed()) {
    document.documentElement.classList.add("no-sheet");
    return;
  }
  toggle = $("sheet-toggle");
  toggle.addEventListener("click", () => setOpen(!isOpen()));
  // A control in the small sheet reached with Tab: the sheet opens so it can be seen. (Not on a
  // tap: the sheet growing under the finger would move what was tapped.)
  panel.addEventListener("focusin", (e) => {
    if (sheetOn() && !isOpen() && e.target !== toggle && e.target.matches(":focus-visible") && !document.body.classList.contains("drawing")) setOpen(true);
  });
  // The map worked with the keyboard: Enter chooses its centre, which must not be under the sheet.
  // (Only for keyboard focus: a tap on the map focuses it too, and a tap chooses a place.)
  $("map")?.addEventListener("focus", (e) => {
    if (sheetOn() && e.target.matches(":focus-visible")) setOpen(false);
  });
  // Room below the page for the sheet (its height changes with its content and state).
  const room = () => {
    document.body.style.paddingBottom = sheetOn() ? `${panel.offsetHeight}px` : "";
  };
  new ResizeObserver(room).observe(panel);
  matchMedia("(max-width: 860px)").addEventListener("change", room);
  room();
}

const isOpen = () => $("panel")?.dataset.sheet !== "klein";

function setOpen(open) {
  const panel = $("panel");
  if (!panel || !toggle) return;
  panel.dataset.sheet = open ? "groot" : "klein";
  // Small, it shows its top: the status line, which says what a tap or Enter on the map found.
  if (!open) panel.scrollTop = 0;
  toggle.setAttribute("aria-expanded", String(open));
}

/** Small while drawing on a phone (the map needs the room); big again after. */
export function sheetForDrawing(drawing) {
  document.body.classList.toggle("drawing", drawing);
  if (sheetOn()) setOpen(!drawing);
}

/** Big, so what was just chosen or found can be seen. */
export function openSheet() {
  if (sheetOn()) setOpen(true);
}
