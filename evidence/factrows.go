package evidence

import (
	"net"
	"strconv"
	"strings"
	"time"

	"evidentia/textsafe"
)

// FactRow is one fact of a capture as a label/value row, the model the detail window and the
// report both show a capture's network, collection and browser facts from. Key says what the
// fact is (one of the Fact* constants); each reader names it in its own language. Value is the
// fact as text, with every part that came from outside Evidentia (the server, its
// certificate) made safe and capped by textsafe.Bracket; "" when it was not recorded. What
// Evidentia recorded of itself (the collection, the browser it ran) is as recorded, for the
// reader to draw as it draws any text.
// A fact that is a moment (FactStarted, FactFinished) has Value "" and Time set instead, a span
// of time (FactCertValidity) From and To, for the reader to show in its own zone. A fact a
// reader words in its own language (FactViewport) has Parts too: the pieces of Value.
type FactRow struct {
	Key   string
	Value string
	Time  time.Time
	From  time.Time
	To    time.Time
	Parts []string
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

	FactStarted     = "started"     // when the capture started, Time
	FactFinished    = "finished"    // when it finished, Time
	FactCollector   = "collector"   // the operator and unit, "홍길동 (조사1팀)"
	FactCase        = "case"        // the case
	FactWorkstation = "workstation" // the computer, "pc-01 windows/amd64"
	FactTimeZone    = "timeZone"    // the computer's zone, "Asia/Seoul KST (UTC+09:00)"
	FactLocalIPs    = "localIPs"    // the computer's addresses, comma separated
	FactProgram     = "program"     // Evidentia's version, "0.1.0"
	FactAppSHA256   = "appSHA256"   // the SHA-256 of Evidentia's executable

	FactProduct   = "product"   // the browser and its revision, "Chromium (131.0)"
	FactUserAgent = "userAgent" // its user agent
	FactViewport  = "viewport"  // its viewport, "1280x900@1", Parts width, height and scale
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

// CollectionRows returns who collected the capture, where and when, as rows in the order the
// report shows them: FactStarted, FactFinished, FactCollector, FactCase, FactWorkstation,
// FactTimeZone, FactLocalIPs (only when there are local addresses), FactProgram and
// FactAppSHA256 (only when it was recorded). Every other row is there, with Value "" (or a zero
// Time) for what was not recorded.
func CollectionRows(c *Collection) FactRows {
	collector := c.Operator
	if c.Unit != "" {
		collector += " (" + c.Unit + ")"
	}
	rows := FactRows{
		{Key: FactStarted, Time: c.StartedAt},
		{Key: FactFinished, Time: c.FinishedAt},
		{Key: FactCollector, Value: collector},
		{Key: FactCase, Value: c.Case},
		{Key: FactWorkstation, Value: strings.TrimSpace(c.Hostname + " " + strings.Trim(c.OS+"/"+c.Arch, "/"))},
		{Key: FactTimeZone, Value: c.TimeZone},
	}
	if len(c.LocalIPs) > 0 {
		rows = append(rows, FactRow{Key: FactLocalIPs, Value: strings.Join(c.LocalIPs, ", ")})
	}
	rows = append(rows, FactRow{Key: FactProgram, Value: c.AppVersion})
	if c.AppSHA256 != "" {
		rows = append(rows, FactRow{Key: FactAppSHA256, Value: string(c.AppSHA256)})
	}
	return rows
}

// BrowserRows returns the browser that made the capture as rows, in the order the report shows
// them: FactProduct, FactUserAgent and FactViewport, whose Parts are the width, the height and
// the device scale (none when the viewport was not recorded). Every row is there, with Value ""
// for what was not recorded.
func BrowserRows(b *Browser) FactRows {
	product := b.Product
	if b.Revision != "" {
		product += " (" + b.Revision + ")"
	}
	viewport := FactRow{Key: FactViewport}
	if b.ViewportWidth > 0 {
		w, h, scale := strconv.Itoa(b.ViewportWidth), strconv.Itoa(b.ViewportHeight), strconv.FormatFloat(b.DeviceScale, 'g', -1, 64)
		viewport.Value, viewport.Parts = w+"x"+h+"@"+scale, []string{w, h, scale}
	}
	return FactRows{
		{Key: FactProduct, Value: product},
		{Key: FactUserAgent, Value: b.UserAgent},
		viewport,
	}
}
