package store

import (
	"regexp"
	"sync"
	"testing"
)

func TestNewIDIsOrderedVersion7(t *testing.T) {
	form := regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)
	prev := ""
	seen := map[string]bool{}
	for range 20000 { // many per millisecond: the counter must keep them in order
		id, err := newID()
		if err != nil {
			t.Fatal(err)
		}
		if !form.MatchString(id) {
			t.Fatalf("%q is not a UUID version 7", id)
		}
		if id <= prev || seen[id] {
			t.Fatalf("%q after %q: not increasing", id, prev)
		}
		seen[id], prev = true, id
	}
	var wg sync.WaitGroup
	var mu sync.Mutex
	for range 4 {
		wg.Go(func() {
			for range 1000 {
				id, _ := newID()
				mu.Lock()
				if seen[id] {
					t.Errorf("duplicate %s", id)
				}
				seen[id] = true
				mu.Unlock()
			}
		})
	}
	wg.Wait()
}
