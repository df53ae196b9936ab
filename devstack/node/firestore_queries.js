// Firestore's query order for @firestore-emulator/server, where the pinned emulator (0.3.15) is
// more lenient than Firestore or simply wrong.
//
// Its queries sorted with a comparator that is not an order across types: with a null (or a
// missing field) among the documents, a timestamp order came out scrambled. It kept documents
// that lack an ordered field, which Firestore leaves out ("a query ordered by a field only
// returns documents where that field exists", firebase.google.com/docs/firestore/query-data/
// order-limit-data#limitations). It ignored cursors (start_at/end_at: `start_after()` returned
// the first page again) and offsets, and had no document-id order, which Firestore always adds
// as the last ordering (firebase.google.com/docs/firestore/query-data/query-cursors).
//
// So the emulator only filters here: its own order and limit are set aside, and the documents
// it keeps are ordered as Firestore orders values (null < booleans < numbers < timestamps <
// strings < bytes < references < geo points < arrays < maps, firebase.google.com/docs/
// firestore/manage-data/data-types#value_type_ordering), then by document name, then cut at the
// cursors, the offset and the limit.

const { StructuredQueryDirection } = require("@firestore-emulator/proto/dist/google/firestore/v1/query");

const RANK = {
  null_value: 0, boolean_value: 1, integer_value: 2, double_value: 2, timestamp_value: 3, string_value: 4,
  bytes_value: 5, reference_value: 6, geo_point_value: 7, array_value: 8, map_value: 9,
};
const NAME = "__name__";

const sign = (n) => (n < 0 ? -1 : n > 0 ? 1 : 0);

// A document name compares segment by segment (Firestore's order of references).
function comparePaths(a, b) {
  const x = a.split("/");
  const y = b.split("/");
  for (let i = 0; i < Math.min(x.length, y.length); i++) {
    if (x[i] !== y[i]) return x[i] < y[i] ? -1 : 1;
  }
  return sign(x.length - y.length);
}

// A stored field (the emulator's classes) as {kind, value}.
function fromField(field) {
  const kind = field.type;
  switch (kind) {
    case "array_value":
      return { kind, value: field.value.map(fromField) };
    case "map_value":
      return { kind, value: Object.fromEntries(Object.entries(field.value).map(([k, v]) => [k, fromField(v)])) };
    default:
      return { kind, value: field.value };
  }
}

// A cursor's value (a v1 Value message: its oneof is read through the `has_` getters, as
// toObject() fills every member with its default) as {kind, value}.
function fromValue(message) {
  const kind = Object.keys(RANK).find((k) => message[`has_${k}`]) || "null_value";
  const value = message[kind];
  if (kind === "array_value") return { kind, value: (value.values || []).map(fromValue) };
  if (kind === "map_value") {
    const fields = value.fields instanceof Map ? [...value.fields.entries()] : Object.entries(value.fields || {});
    return { kind, value: Object.fromEntries(fields.map(([k, v]) => [k, fromValue(v)])) };
  }
  if (kind === "timestamp_value") return { kind, value: { seconds: value.seconds, nanos: value.nanos } };
  if (kind === "geo_point_value") return { kind, value: { latitude: value.latitude, longitude: value.longitude } };
  return { kind, value };
}

function compareValues(a, b) {
  const rank = RANK[a.kind] - RANK[b.kind];
  if (rank !== 0) return sign(rank);
  switch (a.kind) {
    case "null_value":
      return 0;
    case "boolean_value":
      return sign(Number(a.value) - Number(b.value));
    case "integer_value":
    case "double_value": {
      const x = Number(a.value);
      const y = Number(b.value);
      if (Number.isNaN(x) || Number.isNaN(y)) return sign(Number(!Number.isNaN(x)) - Number(!Number.isNaN(y)));
      return sign(x - y);
    }
    case "timestamp_value":
      return sign(Number(a.value.seconds || 0) - Number(b.value.seconds || 0))
        || sign(Number(a.value.nanos || 0) - Number(b.value.nanos || 0));
    case "string_value":
      return Buffer.compare(Buffer.from(a.value, "utf8"), Buffer.from(b.value, "utf8"));
    case "bytes_value":
      return Buffer.compare(Buffer.from(a.value), Buffer.from(b.value));
    case "reference_value":
      return comparePaths(a.value, b.value);
    case "geo_point_value":
      return sign((a.value.latitude || 0) - (b.value.latitude || 0))
        || sign((a.value.longitude || 0) - (b.value.longitude || 0));
    case "array_value": {
      for (let i = 0; i < Math.min(a.value.length, b.value.length); i++) {
        const c = compareValues(a.value[i], b.value[i]);
        if (c !== 0) return c;
      }
      return sign(a.value.length - b.value.length);
    }
    case "map_value": {
      const x = Object.keys(a.value).sort();
      const y = Object.keys(b.value).sort();
      for (let i = 0; i < Math.min(x.length, y.length); i++) {
        if (x[i] !== y[i]) return x[i] < y[i] ? -1 : 1;
        const c = compareValues(a.value[x[i]], b.value[y[i]]);
        if (c !== 0) return c;
      }
      return sign(x.length - y.length);
    }
    default:
      return 0;
  }
}

function exactQueries(state) {
  const DESCENDING = StructuredQueryDirection.DESCENDING;
  const filterOnly = state.v1Query;
  state.v1Query = function (parent, query) {
    // The emulator filters; what it would order, skip or cut is done below.
    const unordered = new Proxy(query, {
      get(target, key) {
        if (key === "order_by") return [];
        if (key === "has_limit") return false;
        return target[key];
      },
    });
    let docs = filterOnly.call(this, parent, unordered);

    const orders = (query.order_by || []).map((o) => ({ path: o.field.field_path, desc: o.direction === DESCENDING }));
    if (!orders.some((o) => o.path === NAME)) {
      orders.push({ path: NAME, desc: orders.length ? orders[orders.length - 1].desc : false });
    }
    const key = (doc, path) => (path === NAME ? { kind: "reference_value", value: doc.getPath() } : doc.getField(path));
    // A document without an ordered field is not in the result.
    docs = docs.filter((doc) => orders.every((o) => o.path === NAME || doc.getField(o.path) !== undefined));
    const keys = new Map(docs.map((doc) => [doc, orders.map((o) => {
      const field = key(doc, o.path);
      return field.kind ? field : fromField(field);
    })]));
    const compareDocs = (a, b) => {
      for (let i = 0; i < orders.length; i++) {
        const c = compareValues(keys.get(a)[i], keys.get(b)[i]);
        if (c !== 0) return orders[i].desc ? -c : c;
      }
      return 0;
    };
    docs.sort(compareDocs);

    // Where a document stands against a cursor: -1 before it, 0 at it, 1 after it.
    const against = (doc, cursor) => {
      const values = (cursor.values || []).map(fromValue);
      for (let i = 0; i < values.length && i < orders.length; i++) {
        let value = values[i];
        if (orders[i].path === NAME && value.kind === "reference_value" && !value.value.includes("/documents/")) {
          value = { kind: value.kind, value: `${parent}/${value.value}` };
        }
        const c = compareValues(keys.get(doc)[i], value);
        if (c !== 0) return orders[i].desc ? -c : c;
      }
      return 0;
    };
    if (query.has_start_at) {
      // before: start at the cursor (inclusive); else start after it.
      docs = docs.filter((doc) => {
        const c = against(doc, query.start_at);
        return query.start_at.before ? c >= 0 : c > 0;
      });
    }
    if (query.has_end_at) {
      // before: end before the cursor; else end at it (inclusive).
      docs = docs.filter((doc) => {
        const c = against(doc, query.end_at);
        return query.end_at.before ? c < 0 : c <= 0;
      });
    }
    const offset = Number(query.offset || 0);
    if (offset > 0) docs = docs.slice(offset);
    if (query.has_limit) docs = docs.slice(0, query.limit.value);
    return docs;
  };
}

module.exports = { exactQueries };
