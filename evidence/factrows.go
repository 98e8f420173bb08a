package evidence

import (
	"net"
	"strconv"
	"strings"
	"time"

	"evidentia/textsafe"
)

// FactRow is one fact of a capture as a label/value row, the model the detail window and the
// report both show a capture's network facts from. Key says what the fact is (one of the Fact*
// constants); each reader names it in its own language and lays the rows out in its own order.
// Value is the fact as text, with every part that came from outside Evidentia (the server, its
// certificate) made safe and capped by textsafe.Bracket; "" when it was not recorded. A fact
// that is a span of time (FactCertValidity) has Value "" and From and To set instead, for the
// reader to show in its own zone.
type FactRow struct {
	Key   string
	Value string
	From  time.Time
	To    time.Time
}

// The keys of FactRow.
const (
	FactHTTPStatus   = "httpStatus"   // "200 OK"
	FactServer       = "server"       // the address that served the main document, "203.0.113.7:443"
	FactProtocol     = "protocol"     // "h2"
	FactContentType  = "contentType"  // "text/html; charset=utf-8"
	FactTLSProtocol  = "tlsProtocol"  // "TLS 1.3"; the TLS rows are there only for a TLS connection
	FactCipher       = "cipher"       // "AES_128_GCM"
	FactKeyExchange  = "keyExchange"  // "X25519"
	FactCertSubject  = "certSubject"  // the certificate's subject
	FactCertIssuer   = "certIssuer"   // its issuer
	FactCertSANs     = "certSANs"     // its subject alternative names, comma separated
	FactCertValidity = "certValidity" // its validity, From and To
)

// FactRows is a list of facts; Value looks one up.
type FactRows []FactRow

// Row returns the row with key, or a row with only the key when there is none.
func (rs FactRows) Row(key string) FactRow {
	for _, r := range rs {
		if r.Key == key {
			return r
		}
	}
	return FactRow{Key: key}
}

// Value returns the Value of the row with key; "" when there is none.
func (rs FactRows) Value(key string) string { return rs.Row(key).Value }

// NetworkRows returns the facts of n, the main document's response and connection, as rows:
// FactHTTPStatus, FactServer, FactProtocol, FactContentType and, for a TLS connection,
// FactTLSProtocol, FactCipher, FactKeyExchange, FactCertSubject, FactCertIssuer, FactCertSANs
// and FactCertValidity. Every row is there, with Value "" for what was not recorded.
func NetworkRows(n *Network) FactRows {
	status := ""
	if n.HTTPStatus != 0 {
		status = strings.TrimSpace(strconv.Itoa(n.HTTPStatus) + " " + textsafe.Bracket(n.StatusText, 100))
	}
	server := n.RemoteIP
	if server != "" && n.RemotePort != 0 {
		server = net.JoinHostPort(n.RemoteIP, strconv.Itoa(n.RemotePort))
	}
	ctype := textsafe.Bracket(n.MIMEType, 200)
	if n.Charset != "" {
		ctype += "; charset=" + textsafe.Bracket(n.Charset, 100)
	}
	rows := FactRows{
		{Key: FactHTTPStatus, Value: status},
		{Key: FactServer, Value: server},
		{Key: FactProtocol, Value: textsafe.Bracket(n.Protocol, 100)},
		{Key: FactContentType, Value: ctype},
	}
	if t := n.TLS; t != nil {
		// The certificate's names come from the server.
		rows = append(rows,
			FactRow{Key: FactTLSProtocol, Value: textsafe.Bracket(t.Protocol, 100)},
			FactRow{Key: FactCipher, Value: textsafe.Bracket(t.Cipher, 200)},
			FactRow{Key: FactKeyExchange, Value: textsafe.Bracket(t.KeyExchange, 200)},
			FactRow{Key: FactCertSubject, Value: textsafe.Bracket(t.Subject, 1000)},
			FactRow{Key: FactCertIssuer, Value: textsafe.Bracket(t.Issuer, 1000)},
			FactRow{Key: FactCertSANs, Value: textsafe.Bracket(strings.Join(t.SANs, ", "), 4000)},
			FactRow{Key: FactCertValidity, From: t.ValidFrom, To: t.ValidTo},
		)
	}
	return rows
}
