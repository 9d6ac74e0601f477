// What a link asked for that cannot run as given: one line per field (the
// page's own fields, the grammar's fallbacks, PyTorch's words), and the
// config field PyTorch itself would refuse, as the lenses show it.
import { shownValue } from "./link.js";

export const LINK_NOTICE_TITLE = "Some settings in the link could not be used as given:";

// notices: the grammar's resolve notices ({field, message, pytorchError?});
// problems: readLink's page-field problems ({field, value, message}).
export function fallbackMessages(notices, problems) {
  return [
    ...problems.map((p) => `“${p.field}” = “${p.value}”: ${p.message}. Ignored.`),
    // The grammar's notice says what was used instead ("; using 20", "reduced from ... to ...").
    ...notices.map((n) => `“${shownValue(n.field)}”: ${n.message}.`),
    // PyTorch's own words where PyTorch itself would refuse the config.
    ...notices
      .filter((n) => n.pytorchError)
      .map((n) => `What PyTorch would raise for “${n.field}” as given: ${n.pytorchError}`),
  ];
}

// The first field PyTorch would refuse, with the text the link gave it
// ({field, asked}), or null.
export function pytorchNotice(notices, configText) {
  const pytorch = notices.find((n) => n.pytorchError);
  return pytorch
    ? { field: pytorch.field, asked: shownValue(configText[pytorch.field] ?? "") }
    : null;
}
