// Package views says how IAM objects and audit events print: the table
// columns, the wide columns, the detail lines of one described object,
// the ID used by -o id, and the trees. The verbs of one noun (list,
// create, describe, update) share a view so that their output agrees.
package views
