package shared

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"google.golang.org/protobuf/encoding/protojson"
	"gopkg.in/yaml.v3"

	"latch.dev/latch/internal/errs"
	iamv1 "latch.dev/latch/internal/gen/latch/iam/v1"
)

// maxFileSize bounds an identity file; a static identity's JWKS is the
// largest thing in one and is capped at 64 KiB by the server.
const maxFileSize = 1 << 20

// maxDepth bounds YAML nesting (and alias expansion) during conversion.
const maxDepth = 32

// ReadFile loads an identity from a JSON or YAML file, or from stdin
// when path is "-". JSON goes straight to protojson, which accepts both
// field styles (awsIdentity and aws_identity); YAML is converted to JSON
// first. Output-only fields (id, times, user) are dropped, so that the
// output of `describe -o json` can be edited and loaded again.
func ReadFile(path string, stdin io.Reader) (*iamv1.Identity, error) {
	b, err := ReadInput(path, stdin, maxFileSize, "the identity file")
	if err != nil {
		return nil, err
	}
	b = bytes.TrimSpace(b)
	if isYAML(path, b) {
		if b, err = yamlToJSON(b); err != nil {
			return nil, errs.New(errs.Invalid, "%s is not valid YAML: %v", path, err)
		}
	}
	id := &iamv1.Identity{}
	if err := protojson.Unmarshal(b, id); err != nil {
		return nil, errs.New(errs.Invalid, "%s does not describe an identity: %s", path, strings.TrimPrefix(err.Error(), "proto: "))
	}
	id.Id, id.CreatedAt, id.UpdatedAt, id.LastSeen = "", nil, nil, nil
	return id, nil
}

// ReadInput reads the file at path, or stdin when path is "-", refusing
// more than max bytes. what names the input in errors.
func ReadInput(path string, stdin io.Reader, max int64, what string) ([]byte, error) {
	r := stdin
	if path != "-" {
		f, err := os.Open(path)
		if err != nil {
			return nil, fmt.Errorf("read %s: %w", what, err)
		}
		defer f.Close()
		r = f
	}
	b, err := io.ReadAll(io.LimitReader(r, max+1))
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", what, err)
	}
	if int64(len(b)) > max {
		return nil, errs.New(errs.Invalid, "%s (%s) is larger than %d bytes", what, path, max)
	}
	return b, nil
}

// isYAML decides by extension, and by content when the extension says
// nothing: a JSON identity is an object, so it starts with "{".
func isYAML(path string, b []byte) bool {
	switch strings.ToLower(filepath.Ext(path)) {
	case ".yaml", ".yml":
		return true
	case ".json":
		return false
	}
	return !bytes.HasPrefix(b, []byte("{"))
}

// yamlToJSON converts a YAML document to JSON. Scalars become JSON strings
// (booleans and nulls excepted) with their text as written: protojson
// accepts strings for numeric fields, and an account ID such as
// 012345678901 keeps its leading zero instead of becoming a number.
func yamlToJSON(b []byte) ([]byte, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal(b, &doc); err != nil {
		return nil, err
	}
	if doc.Kind == 0 || len(doc.Content) == 0 {
		return []byte("{}"), nil
	}
	v, err := nodeValue(doc.Content[0], 0)
	if err != nil {
		return nil, err
	}
	return json.Marshal(v)
}

func nodeValue(n *yaml.Node, depth int) (any, error) {
	if depth > maxDepth {
		return nil, fmt.Errorf("line %d: nested more than %d levels deep", n.Line, maxDepth)
	}
	switch n.Kind {
	case yaml.MappingNode:
		m := make(map[string]any, len(n.Content)/2)
		for i := 0; i+1 < len(n.Content); i += 2 {
			k := n.Content[i]
			if k.Kind != yaml.ScalarNode {
				return nil, fmt.Errorf("line %d: keys must be plain strings", k.Line)
			}
			v, err := nodeValue(n.Content[i+1], depth+1)
			if err != nil {
				return nil, err
			}
			m[k.Value] = v
		}
		return m, nil
	case yaml.SequenceNode:
		list := make([]any, 0, len(n.Content))
		for _, c := range n.Content {
			v, err := nodeValue(c, depth+1)
			if err != nil {
				return nil, err
			}
			list = append(list, v)
		}
		return list, nil
	case yaml.AliasNode:
		return nodeValue(n.Alias, depth+1)
	case yaml.ScalarNode:
		switch n.ShortTag() {
		case "!!null":
			return nil, nil
		case "!!bool":
			return strconv.ParseBool(n.Value)
		}
		return n.Value, nil
	}
	return nil, fmt.Errorf("line %d: unsupported YAML construct", n.Line)
}
