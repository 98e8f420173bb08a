package store

import (
	"crypto/rand"
	"encoding/binary"
	"fmt"
	"sync"
	"time"
)

// The store makes its own UUIDs rather than use github.com/google/uuid: gowarc (package
// archive) rewrites a global of that package while it builds records, and a capture's WARC is
// written while other captures begin, so sharing it would be a data race.
var (
	idMu   sync.Mutex
	idLast int64 // milliseconds of the last ID
	idSeq  uint16
)

// newID returns a UUID version 7 (RFC 9562): 48 bits of Unix milliseconds, then a 12-bit
// counter that keeps IDs made in the same millisecond in order, then 62 random bits. IDs made
// by one process sort in the order they were made.
func newID() (string, error) {
	var b [16]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", err
	}
	idMu.Lock()
	ms := time.Now().UnixMilli()
	if ms <= idLast {
		idSeq++
		if idSeq == 0x1000 { // counter exhausted: borrow the next millisecond
			idLast++
			idSeq = 0
		}
		ms = idLast
	} else {
		idLast, idSeq = ms, uint16(b[6])<<4&0x0ff0 // a random start leaves room to count up
	}
	seq := idSeq
	idMu.Unlock()

	var ts [8]byte
	binary.BigEndian.PutUint64(ts[:], uint64(ms))
	copy(b[0:6], ts[2:8])
	b[6] = 0x70 | byte(seq>>8)&0x0f
	b[7] = byte(seq)
	b[8] = b[8]&0x3f | 0x80 // variant 10
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16]), nil
}
