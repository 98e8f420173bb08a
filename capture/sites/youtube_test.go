package sites

import (
	"strings"
	"testing"

	"evidentia/evidence"
	"evidentia/posting"
)

func TestYouTubeURLForms(t *testing.T) {
	for _, tc := range []struct {
		url      string
		video    string
		post     string
		profiled bool
	}{
		{"https://www.youtube.com/watch?v=dQw4w9WgXcQ&t=42s", "dQw4w9WgXcQ", "", true},
		{"https://m.youtube.com/watch?v=dQw4w9WgXcQ", "dQw4w9WgXcQ", "", true},
		{"https://youtube.com/shorts/dQw4w9WgXcQ", "dQw4w9WgXcQ", "", true},
		{"https://www.youtube.com/live/dQw4w9WgXcQ?si=x", "dQw4w9WgXcQ", "", true},
		{"https://youtu.be/dQw4w9WgXcQ?si=abc", "dQw4w9WgXcQ", "", true},
		{"https://www.youtube.com/post/UgkxAbCdEfGhIjKlMnOpQrStUvWxYz012345", "", "UgkxAbCdEfGhIjKlMnOpQrStUvWxYz012345", true},
		{"https://www.youtube.com/channel/UCxxxxxxxxxxxxxxxxxxxxxx/community?lb=UgkxAbCdEfGhIjKlMnOp", "", "UgkxAbCdEfGhIjKlMnOp", true},
		{"https://www.youtube.com/@example/community?lb=UgkxAbCdEfGhIjKlMnOp", "", "UgkxAbCdEfGhIjKlMnOp", true},
		{"https://www.youtube.com/", "", "", false},
		{"https://www.youtube.com/watch?v=short", "", "", false},
		{"https://www.youtube.com/@example/videos", "", "", false},
		{"https://www.youtube.com/channel/UCxxxxxxxxxxxxxxxxxxxxxx/community", "", "", false},
	} {
		p := For(tc.url)
		if (p != nil && p.Name == "youtube") != tc.profiled {
			t.Errorf("%s: profile %v, want youtube %v", tc.url, p, tc.profiled)
		}
		u := mustURL(t, tc.url)
		if v := ytVideoID(u); v != tc.video {
			t.Errorf("%s: video %q, want %q", tc.url, v, tc.video)
		}
		if v := ytPostID(u); v != tc.post {
			t.Errorf("%s: post %q, want %q", tc.url, v, tc.post)
		}
	}
}

// TestYouTubeClassify: the reasons YouTube gives in its player response, as yt-dlp and link
// checkers quote them.
func TestYouTubeClassify(t *testing.T) {
	for _, tc := range []struct {
		reason, status string
		captcha        bool
		verdict        evidence.Verdict
		code           string
	}{
		{"Sign in to confirm you’re not a bot This helps protect our community. Learn more", "LOGIN_REQUIRED", false, evidence.VerdictBlocked, evidence.ReasonCaptcha},
		{"로그인하여 봇이 아님을 확인하세요", "LOGIN_REQUIRED", false, evidence.VerdictBlocked, evidence.ReasonCaptcha},
		{"", "LOGIN_REQUIRED", true, evidence.VerdictBlocked, evidence.ReasonCaptcha},
		{"Sign in to confirm your age", "LOGIN_REQUIRED", false, evidence.VerdictBlocked, evidence.ReasonAgeGate},
		{"Private video Sign in if you've been granted access to this video", "LOGIN_REQUIRED", false, evidence.VerdictLoginWall, evidence.ReasonLoginNotice},
		{"This video isn't available anymore", "ERROR", false, evidence.VerdictDeleted, evidence.ReasonDeletedNotice},
		{"Video unavailable This video has been removed by the uploader", "ERROR", false, evidence.VerdictDeleted, evidence.ReasonDeletedNotice},
		{"동영상을 더 이상 볼 수 없습니다", "ERROR", false, evidence.VerdictDeleted, evidence.ReasonDeletedNotice},
		{"Video unavailable The uploader has not made this video available in your country", "UNPLAYABLE", false, evidence.VerdictBlocked, evidence.ReasonAccessDenied},
		{"Something else", "UNPLAYABLE", false, evidence.VerdictBlocked, evidence.ReasonAccessDenied},
	} {
		st, ok := ytClassify(tc.reason, tc.status, tc.captcha)
		if !ok || st.Verdict != tc.verdict || st.Code != tc.code || !strings.Contains(st.Detail, "YouTube") {
			t.Errorf("%q %s: %+v %v, want %s %s", tc.reason, tc.status, st, ok, tc.verdict, tc.code)
		}
	}
	if _, ok := ytClassify("", "OK", false); ok {
		t.Errorf("a page with no reason judged")
	}
}

func TestYouTubePlayerResponse(t *testing.T) {
	doc := parseDoc(t, `<script>var ytInitialPlayerResponse = {"videoDetails":{"videoId":"abcdefghijk","title":"a } \" { b","channelId":"UCabcdefghijklmnopqrstuv","viewCount":"12"},"microformat":{"playerMicroformatRenderer":{"uploadDate":"2026-05-20T06:00:00-07:00","ownerProfileUrl":"http://www.youtube.com/@chan"}}};var meta = document.createElement('meta');</script>`)
	p, ok := ytPost(doc, mustURL(t, "https://www.youtube.com/watch?v=abcdefghijk"))
	if !ok || p.Title != `a } " { b` || p.Author.AccountID != "UCabcdefghijklmnopqrstuv" || p.Author.ProfileURL != "https://www.youtube.com/@chan" ||
		p.Posted.Text != "2026-05-20T06:00:00-07:00" || p.Views.Text != "12" {
		t.Errorf("post: %+v %v", p, ok)
	}
	// Another video's player response (the page navigated inside itself) is not this video's.
	if _, ok := ytPost(doc, mustURL(t, "https://www.youtube.com/watch?v=zzzzzzzzzzz")); ok {
		t.Errorf("another video's player response read")
	}
	var _ posting.SitePost = p
}

// TestYouTubeCommunityPost: a community post's author, relative time and likes, and a comment
// under it with its ID from the lc parameter.
func TestYouTubeCommunityPost(t *testing.T) {
	doc := parseDoc(t, `<ytd-backstage-post-thread-renderer><ytd-backstage-post-renderer><div id="header"><div id="author"><a id="author-text" href="/channel/UCabcdefghijklmnopqrstuv"><span>진실탐사TV</span></a>`+
		`<yt-formatted-string id="published-time-text"><a href="/post/UgkxAbCdEfGhIjKlMnOpQrStUvWxYz012345">2일 전</a></yt-formatted-string></div></div>`+
		`<div id="content"><yt-formatted-string id="content-text">투표함 영상 공개합니다</yt-formatted-string></div><span id="vote-count-middle">1.5천</span></ytd-backstage-post-renderer></ytd-backstage-post-thread-renderer>`+
		`<ytd-comments id="comments"><ytd-comment-thread-renderer><ytd-comment-view-model><a id="author-text" href="/@viewer1"><span>@viewer1</span></a>`+
		`<span id="published-time-text"><a href="/post/UgkxAbCdEfGhIjKlMnOpQrStUvWxYz012345?lc=UgwAAAAAAAAAAAAAAAAAAAAAAAAg">1일 전</a></span><yt-attributed-string id="content-text">조작이다</yt-attributed-string></ytd-comment-view-model></ytd-comment-thread-renderer></ytd-comments>`)
	base := mustURL(t, "https://www.youtube.com/post/UgkxAbCdEfGhIjKlMnOpQrStUvWxYz012345")
	p, ok := ytPost(doc, base)
	if !ok || p.PostID != "UgkxAbCdEfGhIjKlMnOpQrStUvWxYz012345" || p.Author.Nickname != "진실탐사TV" || p.Author.AccountID != "UCabcdefghijklmnopqrstuv" ||
		p.Author.ProfileURL != "https://www.youtube.com/channel/UCabcdefghijklmnopqrstuv" || p.Posted.Text != "2일 전" || p.Likes.Text != "1.5천" {
		t.Errorf("post: %+v %v", p, ok)
	}
	cs, ok := ytComments(doc, base)
	if !ok || len(cs) != 1 || cs[0].ID != "UgwAAAAAAAAAAAAAAAAAAAAAAAAg" || cs[0].Text != "조작이다" || cs[0].Author.AccountID != "@viewer1" || cs[0].ParentID != "" || cs[0].Time.Text != "1일 전" {
		t.Errorf("comments: %+v %v", cs, ok)
	}
}
