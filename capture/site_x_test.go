package capture

import (
	"encoding/json"
	"net"
	"net/http"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"evidentia/evidence"
)

// xPost is one post of the fixture, with the fields of a GraphQL tweet result the public
// clients read (yt-dlp twitter.py _graphql_to_legacy: rest_id, core.user_results.result, legacy
// full_text, created_at, reply_count, retweet_count, favorite_count; views.count; the user's
// screen_name and name under core, as newer answers have them).
type xPost struct {
	ID, Handle, Name, UserID, Text string
	At                             time.Time
	Replies, Reposts, Likes, Marks int
	Views                          int
	Sensitive                      bool
	ReplyTo                        string
}

var (
	xAt       = time.Date(2026, 5, 28, 3, 15, 42, 0, time.UTC)
	xAncestor = xPost{ID: "1794999999999999990", Handle: "news_flash_kr", Name: "속보봇", UserID: "44196397", Text: "[속보] 홍길동 후보 선거사무소 압수수색", At: xAt.Add(-2 * time.Hour), Replies: 1}
	xFocalP   = xPost{ID: "1795000000000000001", Handle: "hong_truth", Name: "홍길동진실", UserID: "1501234567890123456", Text: "홍길동 후보 전과 4범이라는 제보가 들어왔습니다\n다들 알아야 합니다 #선거",
		At: xAt, Replies: 3, Reposts: 120, Likes: 845, Marks: 12, Views: 52341, ReplyTo: xAncestor.ID}
	xReplies = []xPost{
		{ID: "1795000000000000101", Handle: "citizen_a", Name: "시민A", UserID: "2001", Text: "근거 있나요? 출처 밝히세요", At: xAt.Add(5 * time.Minute), Likes: 40, ReplyTo: xFocalP.ID},
		{ID: "1795000000000000102", Handle: "fan_club_88", Name: "팬클럽", UserID: "2002", Text: "다 퍼나르자 이 사진 보세요", At: xAt.Add(9 * time.Minute), Likes: 3, Sensitive: true, ReplyTo: xFocalP.ID},
		{ID: "1795000000000000103", Handle: "lawyer_kim", Name: "김변호사", UserID: "2003", Text: "허위사실공표죄에 해당할 수 있습니다", At: xAt.Add(31 * time.Minute), Likes: 210, ReplyTo: xFocalP.ID},
	}
	// xLoggedOutP is a post seen by a visitor who is not logged in: X shows the post alone.
	xLoggedOutP = xPost{ID: "1795000000000000002", Handle: "hong_truth", Name: "홍길동진실", UserID: "1501234567890123456", Text: "투표함 바꿔치기 영상 곧 공개",
		At: xAt.Add(time.Hour), Replies: 57, Reposts: 9, Likes: 301, Marks: 4, Views: 20110}
	xTraps atomic.Int64
)

const (
	xMissingID   = "1795000000000000404"
	xTombstoneID = "1795000000000000410"
	xLoginID     = "1795000000000000401"
	xChangedID   = "1795000000000000999"
)

func init() {
	siteRoutes = append(siteRoutes, xRoutes)
	fixtureHosts = append(fixtureHosts, "abs.twimg.com", "pbs.twimg.com")
}

// xResult is p as a GraphQL tweet result.
func xResult(p xPost) map[string]any {
	legacy := map[string]any{"id_str": p.ID, "full_text": p.Text, "created_at": p.At.Format("Mon Jan 02 15:04:05 +0000 2006"), "conversation_id_str": xAncestor.ID,
		"reply_count": p.Replies, "retweet_count": p.Reposts, "favorite_count": p.Likes, "bookmark_count": p.Marks, "lang": "ko", "possibly_sensitive": p.Sensitive}
	if p.ReplyTo != "" {
		legacy["in_reply_to_status_id_str"] = p.ReplyTo
	}
	if p.Sensitive {
		legacy["extended_entities"] = map[string]any{"media": []any{map[string]any{"type": "photo", "id_str": "17950001", "media_url_https": "https://pbs.twimg.com/media/GOfixture.jpg"}}}
	}
	return map[string]any{"__typename": "Tweet", "rest_id": p.ID,
		"core":   map[string]any{"user_results": map[string]any{"result": map[string]any{"__typename": "User", "rest_id": p.UserID, "core": map[string]any{"screen_name": p.Handle, "name": p.Name}, "legacy": map[string]any{}}}},
		"legacy": legacy, "views": map[string]any{"count": itoa(p.Views), "state": "EnabledWithCount"}}
}

func xEntry(p xPost) map[string]any {
	return map[string]any{"entryId": "tweet-" + p.ID, "content": map[string]any{"entryType": "TimelineTimelineItem", "__typename": "TimelineTimelineItem",
		"itemContent": map[string]any{"itemType": "TimelineTweet", "tweet_results": map[string]any{"result": xResult(p)}}}}
}

func xRoutes(mux *http.ServeMux) {
	page := string(siteFile("x/status.html"))
	serve := func(w http.ResponseWriter, r *http.Request, loggedIn bool, script string) {
		_, p, _ := net.SplitHostPort(r.Host)
		s := strings.Replace(page, "https://abs.twimg.com/responsive-web/client-web/main.6d1f3a9e.js", "https://abs.twimg.com:"+p+"/responsive-web/client-web/"+script, 1)
		if loggedIn {
			s = strings.Replace(s, `"user_id":null`, `"user_id":"1700000000000000001"`, 1)
			s = strings.Replace(s, `"isLoggedIn":false`, `"isLoggedIn":true`, 1)
		}
		writeHTML(w, 200, []byte(s))
	}
	mux.HandleFunc("x.com/{user}/status/{id}", func(w http.ResponseWriter, r *http.Request) {
		switch id := r.PathValue("id"); id {
		case xFocalP.ID, xMissingID, xTombstoneID:
			serve(w, r, true, "main.6d1f3a9e.js")
		case xLoggedOutP.ID:
			serve(w, r, false, "main.6d1f3a9e.js")
		case xChangedID: // the site changed its markup: the profile does not match
			serve(w, r, true, "main.7e2a4b0f.js")
		case xLoginID: // a visitor who is not logged in, sent to the login flow
			http.Redirect(w, r, "/i/flow/login?redirect_after_login=%2F"+r.PathValue("user")+"%2Fstatus%2F"+id, http.StatusFound)
		default:
			http.NotFound(w, r)
		}
	})
	mux.HandleFunc("x.com/i/flow/login", func(w http.ResponseWriter, r *http.Request) {
		writeHTML(w, 200, siteFile("x/login.html"))
	})
	mux.HandleFunc("abs.twimg.com/responsive-web/client-web/", func(w http.ResponseWriter, r *http.Request) {
		js := string(siteFile("x/main.js"))
		if strings.HasSuffix(r.URL.Path, "/main.7e2a4b0f.js") {
			js = strings.NewReplacer(`data-testid="tweet"`, `data-testid="post"`, `data-testid="User-Name"`, `data-testid="UserName"`,
				`data-testid="tweetText"`, `data-testid="postText"`, `[data-testid="User-Name"]`, `[data-testid="UserName"]`).Replace(js)
		}
		w.Header().Set("Content-Type", "text/javascript; charset=utf-8")
		w.Header().Set("Access-Control-Allow-Origin", "*")
		w.Write([]byte(js))
	})
	mux.HandleFunc("pbs.twimg.com/", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "image/gif")
		w.Write([]byte("GIF89a\x01\x00\x01\x00\x80\x00\x00\x00\x00\x00\xff\xff\xff!\xf9\x04\x01\x00\x00\x00\x00,\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02D\x01\x00;"))
	})
	mux.HandleFunc("GET x.com/i/api/graphql/{qid}/{op}", func(w http.ResponseWriter, r *http.Request) {
		// As X does: the web app's bearer, and its CSRF token (logged in) or a guest token.
		var vars struct {
			FocalTweetID string `json:"focalTweetId"`
			TweetID      string `json:"tweetId"`
		}
		if !strings.HasPrefix(r.Header.Get("Authorization"), "Bearer ") || json.Unmarshal([]byte(r.URL.Query().Get("variables")), &vars) != nil {
			http.Error(w, "", http.StatusForbidden)
			return
		}
		switch r.PathValue("op") {
		case "TweetDetail":
			if r.Header.Get("X-Csrf-Token") == "" {
				http.Error(w, "", http.StatusForbidden)
				return
			}
			switch vars.FocalTweetID {
			case xFocalP.ID, xChangedID:
				focal := xFocalP
				entries := []any{xEntry(xAncestor)}
				if vars.FocalTweetID == xChangedID {
					focal.ID = xChangedID
					entries = nil
				}
				entries = append(entries, xEntry(focal))
				for _, rp := range xReplies {
					entries = append(entries, map[string]any{"entryId": "conversationthread-" + rp.ID, "content": map[string]any{"entryType": "TimelineTimelineModule",
						"items": []any{map[string]any{"entryId": "conversationthread-" + rp.ID + "-tweet-" + rp.ID, "item": map[string]any{
							"itemContent": map[string]any{"itemType": "TimelineTweet", "tweet_results": map[string]any{"result": xResult(rp)}}}}}}})
				}
				writeJSON(w, map[string]any{"data": map[string]any{"threaded_conversation_with_injections_v2": map[string]any{
					"instructions": []any{map[string]any{"type": "TimelineAddEntries", "entries": entries}}}}})
			case xTombstoneID:
				writeJSON(w, map[string]any{"data": map[string]any{"threaded_conversation_with_injections_v2": map[string]any{
					"instructions": []any{map[string]any{"type": "TimelineAddEntries", "entries": []any{map[string]any{"entryId": "tweet-" + xTombstoneID,
						"content": map[string]any{"itemContent": map[string]any{"itemType": "TimelineTweet", "tweet_results": map[string]any{"result": map[string]any{
							"__typename": "TweetTombstone", "tombstone": map[string]any{"__typename": "TextTombstone", "text": map[string]any{"text": "This Post is unavailable. Learn more"}}}}}}}}}}}}})
			default:
				writeJSON(w, map[string]any{"data": map[string]any{}, "errors": []any{map[string]any{"message": "_Missing: No status found with that ID.", "code": 144}}})
			}
		case "TweetResultByRestId":
			if r.Header.Get("X-Guest-Token") == "" || vars.TweetID != xLoggedOutP.ID {
				writeJSON(w, map[string]any{"data": map[string]any{}})
				return
			}
			writeJSON(w, map[string]any{"data": map[string]any{"tweetResult": map[string]any{"result": xResult(xLoggedOutP)}}})
		default:
			http.NotFound(w, r)
		}
	})
	mux.HandleFunc("POST x.com/i/api/graphql/{qid}/{op}", func(w http.ResponseWriter, r *http.Request) {
		xTraps.Add(1) // a like, repost, reply or bookmark: a capture must make none
		writeJSON(w, map[string]any{"data": map[string]any{}})
	})
}

func xCheckPerson(t *testing.T, what string, got evidence.Person, p xPost) {
	t.Helper()
	if got.Nickname != p.Name || got.AccountID != "@"+p.Handle || got.ProfileURL != "https://x.com/"+p.Handle {
		t.Errorf("%s author: %+v, want %s @%s", what, got, p.Name, p.Handle)
	}
}

func TestXPost(t *testing.T) {
	traps := xTraps.Load()
	res, files := captureURL(t, siteURL("x.com", "/hong_truth/status/"+xFocalP.ID))
	keepSiteCapture(t, "x", files)
	p := sitePosting(t, files)
	site := res.Facts.Method.Site
	if site == nil || site.Profile != "x" || !site.Matched {
		t.Fatalf("method site: %+v", site)
	}
	if !strings.Contains(strings.Join(site.Prepared, "\n"), "showed the media of 1 post that X had covered with its sensitive-content warning") {
		t.Errorf("prepared: %q", site.Prepared)
	}
	// The replies' "더 보기" would open a reply in place of the post: the profile refuses it.
	if ex := res.Facts.Method.Expansion; ex == nil || ex.Refused["site_rule"] == 0 {
		t.Errorf("expansion: %+v", ex)
	}
	if p.Platform != "x" || p.PostID != xFocalP.ID {
		t.Errorf("post: platform %q id %q", p.Platform, p.PostID)
	}
	xCheckPerson(t, "post", p.Author, xFocalP)
	if p.Posted == nil || p.Posted.UTC != "2026-05-28T03:15:42Z" || p.Posted.Relative || !strings.Contains(p.Posted.Source, "attr:datetime") {
		t.Errorf("posted: %+v", p.Posted)
	}
	if c := p.Counts; c.Views == nil || c.Views.Value != 52341 || c.Likes == nil || c.Likes.Value != 845 || c.Comments == nil || c.Comments.Value != 3 {
		t.Errorf("counts: %+v %+v %+v", c.Views, c.Likes, c.Comments)
	}
	// The replies, each the post's (top-level comments); the post it replies to (above it) is not a reply.
	if len(p.Comments) != len(xReplies) {
		t.Errorf("%d comments, want %d: %+v", len(p.Comments), len(xReplies), p.Comments)
	}
	byID := commentByID(p)
	if _, ok := byID[xAncestor.ID]; ok {
		t.Errorf("the post replied to was recorded as a reply")
	}
	for _, w := range xReplies {
		c, ok := byID[w.ID]
		if !ok {
			t.Errorf("reply %s missing", w.ID)
			continue
		}
		xCheckPerson(t, "reply "+w.ID, c.Author, w)
		if c.IDAssigned || c.ParentID != "" || c.Text != w.Text || c.Deleted || c.Hidden {
			t.Errorf("reply %s: %+v", w.ID, c)
		}
		if c.Time == nil || c.Time.UTC != w.At.Format(time.RFC3339) || c.Time.Relative {
			t.Errorf("reply %s time: %+v", w.ID, c.Time)
		}
	}
	dom := string(files["dom.html"])
	if !strings.Contains(dom, "GOfixture.jpg") || strings.Contains(dom, "콘텐츠 경고") {
		t.Errorf("the sensitive media was not shown")
	}
	if n := xTraps.Load() - traps; n != 0 {
		t.Errorf("a like, repost, reply or bookmark button was clicked %d times", n)
	}
	if v := res.Facts.Completeness; v == nil || v.Verdict != evidence.VerdictComplete {
		t.Errorf("verdict: %+v", v)
	}
}

// TestXLoggedOut: a visitor who is not logged in sees the post and none of its replies; the
// post is read, and the verdict says what X withholds.
func TestXLoggedOut(t *testing.T) {
	res, files := captureURL(t, siteURL("x.com", "/hong_truth/status/"+xLoggedOutP.ID))
	p := sitePosting(t, files)
	if s := res.Facts.Method.Site; s == nil || !s.Matched || s.State != "" {
		t.Fatalf("method site: %+v", s)
	}
	xCheckPerson(t, "post", p.Author, xLoggedOutP)
	if p.PostID != xLoggedOutP.ID || p.Posted == nil || p.Posted.UTC != "2026-05-28T04:15:42Z" || len(p.Comments) != 0 ||
		p.Counts.Comments == nil || p.Counts.Comments.Value != 57 {
		t.Errorf("post: %+v", p)
	}
	v := res.Facts.Completeness
	if v == nil || v.Verdict != evidence.VerdictIncomplete || !hasReason(v, evidence.ReasonSiteLimit) || !hasReason(v, evidence.ReasonCommentsFewer) {
		t.Fatalf("verdict: %+v", v)
	}
	for _, r := range v.Reasons {
		if r.Code == evidence.ReasonSiteLimit && !strings.Contains(r.Detail, "not logged in") {
			t.Errorf("site limit: %q", r.Detail)
		}
	}
}

func TestXStates(t *testing.T) {
	for _, tc := range []struct {
		name, id string
		verdict  evidence.Verdict
		code     string
		detail   *regexp.Regexp
	}{
		{"page does not exist", xMissingID, evidence.VerdictDeleted, evidence.ReasonDeletedNotice, regexp.MustCompile(`"Hmm\.\.\.this page doesn't exist"`)},
		{"post unavailable", xTombstoneID, evidence.VerdictDeleted, evidence.ReasonDeletedNotice, regexp.MustCompile(`This Post is unavailable.*may still exist`)},
		{"login redirect", xLoginID, evidence.VerdictLoginWall, evidence.ReasonLoginRedirect, regexp.MustCompile(`/i/flow/login`)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res, _ := captureURL(t, siteURL("x.com", "/hong_truth/status/"+tc.id))
			v := res.Facts.Completeness
			if v == nil || v.Verdict != tc.verdict || len(v.Reasons) == 0 || v.Reasons[0].Code != tc.code || !tc.detail.MatchString(v.Reasons[0].Detail) {
				t.Fatalf("verdict: %+v", v)
			}
			if s := res.Facts.Method.Site; s == nil || s.Profile != "x" || s.State != string(tc.verdict) {
				t.Errorf("method site: %+v", s)
			}
		})
	}
}

// TestXMarkupChanged: a post page whose markup the profile does not know is captured the
// generic way, and the method, the record and the verdict say so.
func TestXMarkupChanged(t *testing.T) {
	res, files := captureURL(t, siteURL("x.com", "/hong_truth/status/"+xChangedID))
	p := sitePosting(t, files)
	if s := res.Facts.Method.Site; s == nil || s.Profile != "x" || s.Matched {
		t.Errorf("method site: %+v", s)
	}
	if p.Platform != "generic" || !strings.Contains(strings.Join(p.Notes, "\n"), "did not match the X (Twitter) profile") {
		t.Errorf("posting: platform %q notes %q", p.Platform, p.Notes)
	}
	v := res.Facts.Completeness
	if v == nil || v.Verdict != evidence.VerdictIncomplete || !hasReason(v, evidence.ReasonProfileNotMatched) {
		t.Errorf("verdict: %+v", v)
	}
}
