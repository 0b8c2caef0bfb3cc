package output

import (
	"fmt"
	"io"
	"strings"
)

// Node is one line of a tree and the lines below it.
type Node struct {
	Label    string
	Children []*Node
}

// PrintTree prints nodes as an indented tree.
func (p *Printer) PrintTree(nodes []*Node) error {
	var b strings.Builder
	for _, n := range nodes {
		b.WriteString(Clean(n.Label) + "\n")
		writeChildren(&b, n.Children, "")
	}
	_, err := io.WriteString(p.io.Out, b.String())
	return err
}

func writeChildren(b *strings.Builder, list []*Node, indent string) {
	for i, n := range list {
		branch, next := "├── ", "│   "
		if i == len(list)-1 {
			branch, next = "└── ", "    "
		}
		fmt.Fprintf(b, "%s%s%s\n", indent, branch, Clean(n.Label))
		writeChildren(b, n.Children, indent+next)
	}
}
