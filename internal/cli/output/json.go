package output

import (
	"bytes"
	"encoding/json"
	"fmt"

	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/proto"
)

// marshal is compact protojson with proto field names. protojson varies
// its whitespace on purpose; re-indenting with encoding/json makes the
// bytes stable.
func marshal(m proto.Message) ([]byte, error) {
	b, err := protojson.MarshalOptions{UseProtoNames: true}.Marshal(m)
	if err != nil {
		return nil, fmt.Errorf("output: %w", err)
	}
	return b, nil
}

// JSON prints one message.
func (p *Printer) JSON(m proto.Message) error {
	b, err := marshal(m)
	if err != nil {
		return err
	}
	return p.writeIndented(b)
}

// JSONList prints messages as {"items": [...]}.
func (p *Printer) JSONList(list []proto.Message) error {
	var buf bytes.Buffer
	buf.WriteString(`{"items":[`)
	for i, m := range list {
		if i > 0 {
			buf.WriteByte(',')
		}
		b, err := marshal(m)
		if err != nil {
			return err
		}
		buf.Write(b)
	}
	buf.WriteString(`]}`)
	return p.writeIndented(buf.Bytes())
}

// JSONValue prints a value that is not a protobuf message (a verdict, a
// build description) with encoding/json, indented like the messages. Its
// fields' names are its json tags, which are stable API like the
// messages' proto names.
func (p *Printer) JSONValue(v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("output: %w", err)
	}
	return p.writeIndented(b)
}

func (p *Printer) writeIndented(b []byte) error {
	var out bytes.Buffer
	if err := json.Indent(&out, b, "", "  "); err != nil {
		return fmt.Errorf("output: %w", err)
	}
	out.WriteByte('\n')
	_, err := p.io.Out.Write(out.Bytes())
	return err
}
