// Package output prints command results in the format chosen with -o.
//
//   - table: aligned columns under upper-case headers. On a terminal the
//     header is bold (when colour is on), long cells are cut and times are
//     relative ("in 59m"); elsewhere nothing is cut and times are RFC 3339.
//   - wide: table with the extra columns.
//   - tsv: the table's columns separated by tabs, one object a line, no
//     header, RFC 3339 times: stable for scripts.
//   - json: protojson with proto field names, indented; a listing is
//     {"items": [...]}, a single object is the object. This is stable API.
//   - id: bare IDs, one a line, so that ID=$(latch … -o id) composes.
//   - tree: the organization tree, for the commands that offer it.
//
// Without -o the format is the config file's `output`, else table on a
// terminal and tsv elsewhere (as gh does), so that piping a listing into
// cut or awk needs no flag, while an explicit -o table always prints the
// headers.
package output
