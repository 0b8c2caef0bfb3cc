// Package views says how IAM objects print: the table columns, the wide
// columns, the ID used by -o id, and the trees. The verbs of one noun
// (list, create, describe) share a view so that their output agrees.
package views
