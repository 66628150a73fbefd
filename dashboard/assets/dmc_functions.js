// Functions passed to Mantine components as props ({"function": "name"}), served by the app itself.
// Pickers filter with the same rules as the server: Arabic ي/ى/ك match Persian ی/ک, the zero-width
// non-joiner and spaces are ignored, Latin letters case-insensitively. Without this, Mantine's own
// filter hides a Persian name typed with an Arabic keyboard layout.
var dmcfuncs = (window.dashMantineFunctions = window.dashMantineFunctions || {});

function egovKey(text) {
  return String(text || "")
    .replace(/[يى]/g, "ی")
    .replace(/ك/g, "ک")
    .replace(/[\u200c\u200d\u200e\u200f\s]/g, "")
    .toLowerCase();
}

dmcfuncs.egovFilter = function ({ options, search, limit }) {
  var wanted = egovKey(search);
  var matches = function (item) {
    return !wanted || egovKey(item.label).indexOf(wanted) !== -1 || egovKey(item.value).indexOf(wanted) !== -1;
  };
  var result = [];
  for (var i = 0; i < options.length; i++) {
    var option = options[i];
    if (option.group !== undefined) {
      var items = option.items.filter(matches);
      if (items.length) result.push({ group: option.group, items: items });
    } else if (matches(option)) {
      result.push(option);
    }
    if (limit && result.length >= limit) break;
  }
  return result;
};
