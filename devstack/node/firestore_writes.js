// Firestore's write semantics for @firestore-emulator/server, where the pinned emulator
// (0.3.15) is more lenient than Firestore.
//
// Its writes only ever add or replace the fields a write carries:
// - a `set()` without merge kept every field the document had before; Firestore replaces the
//   whole document ("If the document exists, its contents are overwritten with the newly
//   provided data", firebase.google.com/docs/firestore/manage-data/add-data#set_a_document);
// - a field named in an update's mask but absent from its data (`DELETE_FIELD`, or a merge
//   that deletes) stayed; Firestore deletes it ("Fields referenced in the mask, but not present
//   in the input document, are deleted from the document on the server",
//   cloud.google.com/firestore/docs/reference/rest/v1/projects.databases.documents/patch,
//   `updateMask`).
// Code that relied on either would pass here and misbehave in production (an account's refresh
// lease that is never freed, a replaced document keeping stale fields), so each applied write
// is corrected right after the emulator applies it, inside the same synchronous commit.

function splitFieldPath(path) {
  // `a.b`, `` `a.b`.c `` (a backquoted segment may hold dots; \` and \\ are escapes).
  const segments = [];
  let current = "";
  let quoted = false;
  for (let i = 0; i < path.length; i++) {
    const ch = path[i];
    if (quoted && ch === "\\") {
      current += path[++i];
    } else if (ch === "`") {
      quoted = !quoted;
    } else if (ch === "." && !quoted) {
      segments.push(current);
      current = "";
    } else {
      current += ch;
    }
  }
  segments.push(current);
  return segments;
}

// Whether the write's own data (a v1 fields Map, nested map_values) holds `segments`.
function carries(fields, segments) {
  let level = fields;
  for (let i = 0; i < segments.length; i++) {
    const value = level && (level.get ? level.get(segments[i]) : level[segments[i]]);
    if (value === undefined || value === null) return false;
    if (i === segments.length - 1) return true;
    level = value.map_value ? value.map_value.fields : null;
  }
  return false;
}

// The stored fields without `segments` (a new object: the emulator's are frozen by immer).
function without(fields, segments) {
  const [head, ...rest] = segments;
  if (!(head in fields)) return fields;
  const copy = { ...fields };
  if (rest.length === 0) {
    delete copy[head];
    return copy;
  }
  const field = fields[head];
  if (field.type !== "map_value") return fields;
  copy[head] = new field.constructor(without(field.value, rest));
  return copy;
}

function exactWrites(state) {
  const apply = state.writeV1Document;
  state.writeV1Document = function (date, write) {
    const result = apply.call(this, date, write);
    if (!write.has_update) return result;
    const document = this.getDocument(write.update.name);
    if (!document.metadata.hasExist) return result;
    const mask = write.update_mask?.field_paths || [];
    const transformed = (write.update_transforms || []).map((t) => splitFieldPath(t.field_path));
    let fields = document.fields;
    if (mask.length === 0) {
      // A whole-document write: only what it carries (and its transforms) remains.
      const kept = new Set([...write.update.fields.keys(), ...transformed.map((s) => s[0])]);
      for (const key of Object.keys(fields)) if (!kept.has(key)) fields = without(fields, [key]);
    } else {
      for (const path of mask) {
        const segments = splitFieldPath(path);
        if (transformed.some((t) => t.join("\u0000") === segments.join("\u0000"))) continue;
        if (!carries(write.update.fields, segments)) fields = without(fields, segments);
      }
    }
    document.fields = fields;
    return result;
  };
}

module.exports = { exactWrites };
