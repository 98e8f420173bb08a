package store

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"testing"

	"evidentia/evidence"
)

// sealCapture begins and seals a capture with the given title, final URL and files.
func sealCapture(t testing.TB, s *Store, caseName, url, finalURL, title string, files []SealFile) *Record {
	t.Helper()
	ctx := context.Background()
	if _, err := s.EnsureCase(ctx, caseName, "alice"); err != nil {
		t.Fatal(err)
	}
	id, err := s.BeginCapture(ctx, caseName, url, "alice")
	if err != nil {
		t.Fatal(err)
	}
	facts := evidence.Facts{RequestedURL: url, FinalURL: finalURL, Metadata: evidence.Metadata{Title: title}}
	rec, err := s.Seal(ctx, id, SealRequest{Status: evidence.StatusComplete, Facts: facts, Files: files, Actor: "alice"})
	if err != nil {
		t.Fatal(err)
	}
	return rec
}

func textFile(t testing.TB, text string) []SealFile {
	t.Helper()
	return writeFiles(t, map[string]string{"text.txt": text, "facts.json": "{}"})
}

type searchFixture struct {
	s                                  *Store
	news, forum, latin, big, capturing string // capture IDs
}

func newSearchFixture(t *testing.T) *searchFixture {
	s := openStore(t, t.TempDir())
	f := &searchFixture{s: s}
	f.news = sealCapture(t, s, "사건", "https://news.example/article/1", "https://news.example/article/1?amp=0",
		"[단독] 후보 A씨 허위사실 유포 의혹", textFile(t, "선거관리위원회는 해당 게시물이 공직선거법 제250조를 위반했는지 조사하고 있다.")).ID
	f.forum = sealCapture(t, s, "사건", "https://forum.example/t/42", "https://forum.example/t/42",
		"Election Day MOVED!!", textFile(t, "Voters were told the ELECTION day had moved; it has not. 투표일 변경은 거짓입니다.")).ID
	f.latin = sealCapture(t, s, "사건", "https://ecole.example/", "https://ecole.example/",
		"ÉCOLE publique", textFile(t, "Straße ΣΟΦΊΑ")).ID
	// A capture whose text runs past the indexed MiB: what comes after it is not searchable.
	f.big = sealCapture(t, s, "사건", "https://big.example/", "https://big.example/", "big",
		textFile(t, "시작 "+strings.Repeat("가", maxSearchText/3)+" 꼬리표")).ID
	// Another case's capture that matches everything asked below must never come back.
	sealCapture(t, s, "다른 사건", "https://news.example/article/2", "", "허위사실 Election ÉCOLE",
		textFile(t, "선거관리위원회 voters 꼬리표"))
	id, err := s.BeginCapture(context.Background(), "사건", "https://pending.example/허위사실", "alice")
	if err != nil {
		t.Fatal(err)
	}
	f.capturing = id
	return f
}

func TestSearch(t *testing.T) {
	ctx := context.Background()
	f := newSearchFixture(t)
	tests := []struct {
		query string
		want  []string
	}{
		{"허위사실", []string{f.capturing, f.news}},                     // title, and the URL of a capture not sealed yet
		{"선거관리위원회 제250조", []string{f.news}},                         // two words in the text
		{"선거관리위원회 voters", nil},                                     // every word must match, in the same capture
		{"election", []string{f.forum}},                             // ASCII case folded, title and text
		{"ELECTION day", []string{f.forum}},                         // ...in the query too
		{"거짓입니다", []string{f.forum}},                                // Korean in mixed text
		{"école", []string{f.latin}},                                // non-ASCII case folded
		{"straße σοφία", []string{f.latin}},                         // Greek and German, folded
		{"\u1112\u1165\u110b\u1171", []string{f.capturing, f.news}}, // 허위 typed decomposed (NFD)
		{"amp=0", []string{f.news}},                                 // final URL
		{"forum.example/t/42", []string{f.forum}},                   // URL
		{"시작", []string{f.big}},                                     // start of a long text
		{"꼬리표", nil},                                                // beyond the first MiB
		{"  nothing-matches-this  ", nil},                           // no match
		{"%", nil},                                                  // no LIKE wildcard
		{"허위사실 허위사실", []string{f.capturing, f.news}},                // repeated word
	}
	for _, tt := range tests {
		t.Run(tt.query, func(t *testing.T) {
			got, err := f.s.Search(ctx, "사건", tt.query)
			if err != nil {
				t.Fatal(err)
			}
			want := tt.want
			if want == nil {
				want = []string{}
			}
			if g := ids(got); !reflect.DeepEqual(g, want) && !(len(g) == 0 && len(want) == 0) {
				t.Errorf("Search(%q) = %v, want %v", tt.query, g, want)
			}
		})
	}

	// An empty query is Captures; a match carries the same fields as Captures.
	all, err := f.s.Captures(ctx, "사건")
	if err != nil {
		t.Fatal(err)
	}
	got, err := f.s.Search(ctx, " 사건 ", " \t ")
	if err != nil || !reflect.DeepEqual(got, all) {
		t.Errorf("empty query: %v, %v; want %v", ids(got), err, ids(all))
	}
	got, err = f.s.Search(ctx, "사건", "의혹")
	if err != nil || len(got) != 1 {
		t.Fatalf("Search = %v, %v", ids(got), err)
	}
	for _, r := range all {
		if r.ID == got[0].ID && !reflect.DeepEqual(r, got[0]) {
			t.Errorf("Search record %+v\nCaptures record %+v", got[0], r)
		}
	}
	if len(got[0].Artifacts) != 2 || got[0].Manifest != nil {
		t.Errorf("Search record artifacts %+v, manifest %v", got[0].Artifacts, got[0].Manifest)
	}
	// Every case at once; an unknown case.
	if got, err := f.s.Search(ctx, "", "선거관리위원회"); err != nil || len(got) != 2 {
		t.Errorf("Search every case = %v, %v", ids(got), err)
	}
	if _, err := f.s.Search(ctx, "없는 사건", "x"); !errors.Is(err, ErrNotFound) {
		t.Errorf("unknown case: %v", err)
	}
}

func TestFoldAndPrefix(t *testing.T) {
	tests := []struct{ in, want string }{
		{"ABC abc", "abc abc"},
		{"ÉCOLE", "école"},
		{"\u1112\u1165", "허"},
		{"bad \xff byte", "bad \ufffd byte"},
	}
	for _, tt := range tests {
		if got := foldText(tt.in); got != tt.want {
			t.Errorf("foldText(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
	s := "ab허" // 허 is 3 bytes
	for n, want := range []string{"", "a", "ab", "ab", "ab", "ab허"} {
		if got := validPrefix([]byte(s)[:n]); got != want {
			t.Errorf("validPrefix(%d bytes) = %q, want %q", n, got, want)
		}
	}
	if got := searchWords(" Foo  foo BAR\t허위 "); !reflect.DeepEqual(got, []string{"foo", "bar", "허위"}) {
		t.Errorf("searchWords = %q", got)
	}
}

// TestSearchAfterUpgrade opens a data folder made before the search index existed: its
// captures, custody log and evidence survive the upgrade, and the first Search indexes them.
func TestSearchAfterUpgrade(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	s, err := Open(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	a := sealCapture(t, s, "사건", "https://a.example/", "", "첫 게시물", textFile(t, "투표일이 변경되었다는 허위 게시물"))
	b := sealCapture(t, s, "사건", "https://b.example/", "", "둘째 게시물", textFile(t, "허위 게시물 두 번째"))
	c := sealCapture(t, s, "사건", "https://c.example/", "", "셋째", writeFiles(t, map[string]string{"document.html": "<p>허위</p>"}))
	headBefore, _ := s.Head(ctx)
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}

	// Make it a version 1 database, as the previous program left it.
	db := rawDB(t, &Store{dir: dir})
	execSQL(t, db, `DROP TABLE search_text`)
	execSQL(t, db, `UPDATE schema_version SET version = 1`)
	db.Close()
	// The text object of b is damaged: indexing it fails, Search does not.
	var bText evidence.Digest
	for _, x := range b.Artifacts {
		if x.Role == evidence.RoleText {
			bText = x.SHA256
		}
	}
	s2 := openStore(t, dir)
	flipByte(t, s2.ObjectPath(bText), 0)

	var v int
	if err := s2.rdb.QueryRow(`SELECT max(version) FROM schema_version`).Scan(&v); err != nil || v != schemaVersion {
		t.Fatalf("schema version after upgrade: %d, %v", v, err)
	}
	if head, _ := s2.Head(ctx); head != headBefore {
		t.Errorf("custody head changed by the upgrade: %+v, was %+v", head, headBefore)
	}
	got, err := s2.Search(ctx, "사건", "투표일")
	if err != nil || !reflect.DeepEqual(ids(got), []string{a.ID}) {
		t.Errorf("Search after upgrade = %v, %v; want [%s]", ids(got), err, a.ID)
	}
	// b is found by its title only; c (no text artifact) by its title.
	if got, _ := s2.Search(ctx, "사건", "게시물"); !reflect.DeepEqual(ids(got), []string{b.ID, a.ID}) {
		t.Errorf("Search(게시물) = %v", ids(got))
	}
	if got, _ := s2.Search(ctx, "사건", "두"); len(got) != 0 {
		t.Errorf("the damaged text was searched: %v", ids(got))
	}
	if got, _ := s2.Search(ctx, "사건", "셋째"); !reflect.DeepEqual(ids(got), []string{c.ID}) {
		t.Errorf("Search(셋째) = %v", ids(got))
	}
	var rows int
	s2.rdb.QueryRow(`SELECT count(*) FROM search_text`).Scan(&rows)
	if rows != 2 || !s2.unindexable[b.ID] {
		t.Errorf("%d index rows (want a and c), b unindexable %v", rows, s2.unindexable[b.ID])
	}
	rep, err := s2.Verify(ctx, Scope{}, "test")
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Problems) != 1 || rep.Problems[0].CaptureID != b.ID || !errors.Is(rep.Problems[0].Err, ErrDigestMismatch) {
		t.Errorf("Verify after upgrade: %v", rep.Problems)
	}
	// Opening again changes nothing: the version is current.
	s2.Close()
	openStore(t, dir)
}

func TestSearchConcurrentWithSeal(t *testing.T) {
	ctx := context.Background()
	s := openStore(t, t.TempDir())
	if _, err := s.EnsureCase(ctx, "k", "a"); err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	for i := range 4 {
		wg.Go(func() {
			sealCapture(t, s, "k", fmt.Sprintf("https://x.example/%d", i), "", "", textFile(t, "공통 단어"))
		})
		wg.Go(func() {
			if _, err := s.Search(ctx, "k", "공통"); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	if got, err := s.Search(ctx, "k", "공통 단어"); err != nil || len(got) != 4 {
		t.Errorf("Search = %v, %v", ids(got), err)
	}
}

var benchWords = strings.Fields(`선거 투표 후보 허위사실 유포 게시물 댓글 공직선거법 위반 조사 의혹 기자 보도 사실 확인
	election vote candidate rumor post comment law report fact check news today people city`)

// BenchmarkSearch1000 searches a case of 1,000 sealed captures of about 10 KB of text each
// for two words.
func BenchmarkSearch1000(b *testing.B) {
	ctx := context.Background()
	s, err := Open(ctx, b.TempDir())
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	if _, err := s.EnsureCase(ctx, "bench", "a"); err != nil {
		b.Fatal(err)
	}
	work := b.TempDir()
	jobs := make(chan int)
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			for i := range jobs {
				rng := rand.New(rand.NewPCG(uint64(i), 1))
				var sb strings.Builder
				for sb.Len() < 10_000 {
					sb.WriteString(benchWords[rng.IntN(len(benchWords))])
					sb.WriteByte(' ')
				}
				if i%10 == 0 {
					sb.WriteString("드문단어 rareword")
				}
				p := filepath.Join(work, fmt.Sprintf("text-%d.txt", i))
				if err := os.WriteFile(p, []byte(sb.String()), 0o600); err != nil {
					b.Error(err)
					return
				}
				id, err := s.BeginCapture(ctx, "bench", fmt.Sprintf("https://site.example/post/%d", i), "a")
				if err == nil {
					_, err = s.Seal(ctx, id, SealRequest{Status: evidence.StatusComplete, Actor: "a",
						Facts: evidence.Facts{Metadata: evidence.Metadata{Title: fmt.Sprintf("게시물 %d", i)}},
						Files: []SealFile{{Name: "text.txt", MediaType: "text/plain", Role: evidence.RoleText, Path: p}}})
				}
				if err != nil {
					b.Error(err)
					return
				}
			}
		})
	}
	for i := range 1000 {
		jobs <- i
	}
	close(jobs)
	wg.Wait()
	if b.Failed() {
		return
	}
	var n int
	for b.Loop() {
		got, err := s.Search(ctx, "bench", "드문단어 RareWord")
		if err != nil {
			b.Fatal(err)
		}
		n = len(got)
	}
	if n != 100 {
		b.Fatalf("%d matches, want 100", n)
	}
}

func TestSearchFoldsWidthAndCase(t *testing.T) {
	s := openStore(t, t.TempDir())
	if _, err := s.EnsureCase(t.Context(), "사건", "test"); err != nil {
		t.Fatal(err)
	}
	a := sealCapture(t, s, "사건", "https://a.example/", "", "ＫＢＳ 보도: Straße 123", textFile(t, "본문"))
	for _, q := range []string{"kbs", "KBS", "ｋｂｓ", "strasse", "STRASSE", "１２３"} {
		if got, err := s.Search(t.Context(), "사건", q); err != nil || !reflect.DeepEqual(ids(got), []string{a.ID}) {
			t.Errorf("Search(%q) = %v, %v", q, ids(got), err)
		}
	}
}
