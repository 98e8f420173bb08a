package completeness

import (
	"slices"
	"strings"
	"testing"

	"evidentia/evidence"
)

type judgeCase struct {
	name  string
	in    Input
	want  evidence.Verdict
	codes []string // nil: not checked
}

func runCases(t *testing.T, cases []judgeCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got := Judge(tc.in)
			if got.Verdict != tc.want || (tc.codes != nil && !slices.Equal(codes(got), tc.codes)) {
				t.Errorf("got %s %v, want %s %v\n%+v", got.Verdict, codes(got), tc.want, tc.codes, got.Reasons)
			}
		})
	}
}

// chromeAround wraps a notice in a platform's typical surrounding text.
func chromeAround(notice string) string {
	return "홈\n검색\n탐색하기\n알림\n" + notice + "\n홈으로 가기\n도움말\n이용약관\n개인정보처리방침\n© 2026"
}

// TestPlatformNotices: defect 1, the Korean (and English) wording of the platforms' notices.
func TestPlatformNotices(t *testing.T) {
	del, login, blocked := evidence.VerdictDeleted, evidence.VerdictLoginWall, evidence.VerdictBlocked
	dn, ln := []string{evidence.ReasonDeletedNotice}, []string{evidence.ReasonLoginNotice}
	var cases []judgeCase
	for _, c := range []struct {
		notice string
		want   evidence.Verdict
		codes  []string
	}{
		// YouTube.
		{"동영상을 사용할 수 없음", del, dn},
		{"이 동영상은 비공개 동영상입니다", login, ln},
		{"삭제된 동영상입니다", del, dn},
		{"이 동영상은 더 이상 제공되지 않습니다", del, dn},
		{"이 동영상과 연결된 YouTube 계정이 해지되어 동영상을 더 이상 볼 수 없습니다.", del, dn},
		{"Video unavailable", del, dn},
		{"This video is private", login, ln},
		{"Private video. Sign in if you've been granted access to this video", login, ln},
		{"This video has been removed by the uploader", del, dn},
		{"정부의 법적 신고로 인해 해당 국가 도메인에서 사용할 수 없는 콘텐츠입니다.", blocked, []string{evidence.ReasonAccessDenied}},
		// Instagram.
		{"죄송합니다. 페이지를 사용할 수 없습니다.", del, dn},
		{"Sorry, this page isn't available.", del, dn},
		{"로그인하여 사진 및 동영상 보기", login, ln},
		{"Log in to see photos and videos from your friends.", login, ln},
		// X (Twitter).
		{"이 게시물은 삭제되었습니다", del, dn},
		{"This post is from a suspended account. Learn more", del, dn},
		{"Hmm...this page doesn't exist. Try searching for something else.", del, dn},
		{"이 페이지는 존재하지 않습니다. 다른 페이지를 검색해 보세요.", del, dn},
		{"계정이 정지되었습니다", del, dn},
		{"Account suspended", del, dn},
		{"These posts are protected", login, ln},
		{"이 게시물은 보호되어 있습니다", login, ln},
		// Facebook.
		{"이 콘텐츠는 현재 이용할 수 없습니다", del, dn},
		{"This content isn't available right now", del, dn},
		{"페이스북에 로그인", login, ln},
		{"You must log in to continue.", login, ln},
		// Cloudflare.
		{"사이트 연결이 안전한지 확인하는 중", blocked, []string{evidence.ReasonBotCheck}},
		{"Checking if the site connection is secure", blocked, []string{evidence.ReasonBotCheck}},
		{"Verify you are human by completing the action below.", blocked, []string{evidence.ReasonCaptcha}},
		{"사람인지 확인하십시오", blocked, []string{evidence.ReasonCaptcha}},
		// Naver Cafe, Daum Cafe, Naver blog.
		{"카페 멤버만 볼 수 있습니다", login, ln},
		{"멤버에게만 공개된 게시글입니다", login, ln},
		{"카페에 가입하면 볼 수 있습니다", login, ln},
		{"카페 회원만 볼 수 있습니다", login, ln},
		{"비공개 포스트입니다", login, ln},
		{"이웃공개 포스트입니다", login, ln},
		{"서로이웃에게만 공개된 글입니다", login, ln},
	} {
		cases = append(cases, judgeCase{c.notice, Input{Status: 200, Text: chromeAround(c.notice)}, c.want, c.codes})
	}
	cases = append(cases,
		judgeCase{"Cloudflare in Korean", Input{Status: 200, Title: "잠시만 기다리십시오…", Text: testdata(t, "cloudflare_ko.txt")},
			blocked, []string{evidence.ReasonBotCheck, evidence.ReasonCaptcha}}, // in page order, the title first
		judgeCase{"Cloudflare Korean title alone", Input{Status: 200, Title: "잠시만 기다리십시오…", Text: "www.example-news.kr"},
			blocked, []string{evidence.ReasonBotCheck}},
		// "잠시만 기다리십시오" counts only in the title: in a body it is a loading message.
		judgeCase{"loading message in a body", Input{Status: 200, Text: "잠시만 기다리십시오\n" + shortPost},
			evidence.VerdictComplete, []string{}},
	)
	runCases(t, cases)
}

// poem is a 764-letter posting made of short lines, with a comment box that asks to log in.
func poemPost(t testing.TB) string { return testdata(t, "poem_post.txt") }

// TestShortLinesAreContent: defect 2, a posting of short lines is content.
func TestShortLinesAreContent(t *testing.T) {
	poem := poemPost(t)
	chat := "단톡방 캡처 올립니다\n작성자 동네주민 | 2026.05.28 22:10\n"
	for _, m := range []string{"오늘 투표하고 왔음 줄 엄청 길더라", "헐 나는 내일 가려고 했는데", "아침 일찍 가면 괜찮을 듯",
		"신분증 꼭 챙겨가 나 놓고 갔다가 다시 옴", "ㅋㅋㅋ 그거 나만 그런 거 아니었구나", "주차는 학교 운동장에 하면 돼",
		"거기 엘리베이터 없던데 괜찮나", "1층 체육관이라 상관없대요", "오 다행이다 할머니 모시고 가야 돼서", "나도 부모님이랑 같이 가려고",
		"투표 인증샷은 손등에 찍으면 되지", "도장 번지지 않게 조심하래요", "그럼 다들 내일 투표소에서 보자", "저녁에 개표 방송 같이 볼 사람",
		"치킨 시켜 놓고 우리 집에서 보자", "좋아 내가 음료수 사 갈게", "나는 과일 챙겨 갈게요 다들 와", "그럼 여덟 시에 모이는 걸로 하자",
		"혹시 늦으면 먼저 시작하고 있어", "오케이 다들 조심히 다녀와요", "근데 사전투표도 관외 되는 거 맞지", "응 전국 어디서나 된대 신분증만 있으면",
		"그럼 회사 근처에서 해야겠다", "점심시간에 잠깐 다녀오면 되겠네", "줄 서는 시간 생각해서 일찍 나가", "나 방금 다녀왔는데 십 분 걸림",
		"오 생각보다 빠르네 나도 지금 간다", "사진은 찍으면 안 되는 거 알지", "기표소 안에서는 절대 안 돼요", "알겠어 밖에서 손등만 찍을게",
		"다녀와서 후기 남겨 줘", "나도 방금 하고 왔어 한산하더라", "역시 오후가 덜 붐비는구나", "다음 선거 때도 이렇게 같이 가자",
		"그래 이번에 좋은 경험이었다", "투표소 직원분들 너무 친절하셨어", "맞아 어르신들 안내도 잘해 주시고", "다들 수고했어 내일 보자",
		"다음에는 투표 끝나고 밥도 먹자", "좋아 그럼 다음 주 토요일 어때"} {
		chat += m + "\n"
	}
	runCases(t, []judgeCase{
		{"poem with a login comment box", Input{Status: 200, Title: "사전투표 가던 날 아침에 : 네이버 카페", Text: poem},
			evidence.VerdictComplete, []string{}},
		{"chat-like lines with a login comment box", Input{Status: 200, Text: chat + "댓글 2\n댓글을 작성하려면 로그인 해주세요\n로그인이 필요합니다.\n" +
			"이 게시판의 다른 글\n새벽 시장 풍경을 적어 보았습니다\n장마 오기 전에 쓴 짧은 시 한 편\n이용약관 | 개인정보처리방침\n"},
			evidence.VerdictComplete, []string{}},
		// A login wall's own short sentences stay below the bar.
		{"Naver cafe members only, still a wall", Input{Status: 200, Text: testdata(t, "naver_cafe_members.txt")},
			evidence.VerdictLoginWall, []string{evidence.ReasonLoginNotice}},
	})
}

// TestBoilerplateDoesNotOutweighNotice: defect 3, menus laid out as one long line, ranking
// lists, ads and footers around a deletion notice are not content.
func TestBoilerplateDoesNotOutweighNotice(t *testing.T) {
	page := testdata(t, "deleted_with_chrome.txt")
	runCases(t, []judgeCase{
		{"DC Inside deletion amid chrome", Input{Status: 200, Title: "국내야구 갤러리 - 커뮤니티 포털 디시인사이드", Text: page},
			evidence.VerdictDeleted, []string{evidence.ReasonDeletedNotice}},
		// The same chrome around a real posting: the posting wins.
		{"same chrome around a posting", Input{Status: 200, Text: strings.Replace(page, "해당 게시물은 삭제되었습니다.", shortPost, 1) +
			"\n삭제된 게시물입니다\n"}, evidence.VerdictComplete, []string{}},
	})
}

// TestTitleOnlySupports: defect 4, a title notice decides only for a (near) empty body.
func TestTitleOnlySupports(t *testing.T) {
	brief := "구청장 후보 토론회가 다음 주 화요일 오후 7시 구민회관 대강당에서 열립니다. 누구나 참석할 수 있습니다.\n" +
		"토론회는 지역 방송으로 생중계되며, 질문은 구청 누리집에서 미리 받습니다. 주차 공간이 좁으니 대중교통을 이용해 주세요.\n"
	runCases(t, []judgeCase{
		{"deleted title over a poem", Input{Status: 200, Title: "삭제된 게시물입니다 : 네이버 카페", Text: poemPost(t)},
			evidence.VerdictComplete, []string{}},
		{"login title over a short article", Input{Status: 200, Title: "로그인이 필요합니다", Text: "공지\n" + brief},
			evidence.VerdictComplete, []string{}},
		{"deleted title over a short article", Input{Status: 200, Title: "삭제된 게시물입니다", Text: brief},
			evidence.VerdictComplete, []string{}},
		{"deleted title, empty body", Input{Status: 200, Title: "삭제된 게시물입니다", Text: "목록\n이전글\n다음글"},
			evidence.VerdictDeleted, []string{evidence.ReasonDeletedNotice}},
		{"title supports a body notice", Input{Status: 200, Title: "삭제된 게시물입니다", Text: "홈\n존재하지 않는 게시물입니다.\n목록"},
			evidence.VerdictDeleted, []string{evidence.ReasonDeletedNotice}},
	})
}

// TestFormsDoNotBlock: defect 5, a comment form's CAPTCHA and a menu's "19세 이상" link.
func TestFormsDoNotBlock(t *testing.T) {
	post := "자유게시판\n투표소 가는 길 정리\n작성자 동네주민\n주민센터 말고 초등학교 체육관으로 가셔야 합니다.\n" +
		"정문은 닫혀 있고 후문으로 들어가면 바로 보여요.\n주차는 운동장 쪽에 하시면 됩니다.\n"
	side := "카테고리\n자유게시판\n질문게시판\n19세 이상 이용 가능\n성인 게시판\n"
	form := "댓글 쓰기\n이름\n비밀번호\n자동입력 방지 문자를 입력하세요\n등록\n"
	runCases(t, []judgeCase{
		{"comment form with a CAPTCHA", Input{Status: 200, Text: post + form}, evidence.VerdictComplete, []string{}},
		{"side menu age link", Input{Status: 200, Text: side + post}, evidence.VerdictComplete, []string{}},
		{"both, long posting", Input{Status: 200, Text: side + shortPost + form}, evidence.VerdictComplete, []string{}},
		// The real gates still block.
		{"Naver CAPTCHA page", Input{Status: 200, Text: "NAVER\n자동입력 방지 문자\n아래 이미지를 보이는 대로 입력해주세요.\n새로고침\n확인"},
			evidence.VerdictBlocked, []string{evidence.ReasonCaptcha}},
		{"age gate", Input{Status: 200, Title: "성인 인증", Text: testdata(t, "age_gate.txt")},
			evidence.VerdictBlocked, []string{evidence.ReasonAgeGate}},
		{"age gate 19세 이상만", Input{Status: 200, Text: "성인 콘텐츠\n19세 이상만 이용할 수 있습니다.\n본인 확인\n나가기"},
			evidence.VerdictBlocked, []string{evidence.ReasonAgeGate}},
	})
}

// TestNoticeAfterHeader: defect 6, a notice at the end of a short page after the site's header.
func TestNoticeAfterHeader(t *testing.T) {
	runCases(t, []judgeCase{
		{"deleted article after a long header", Input{Status: 200, Title: "한빛일보", Text: testdata(t, "header_then_notice.txt")},
			evidence.VerdictDeleted, []string{evidence.ReasonDeletedNotice}},
		{"login notice after a long header", Input{Status: 200, Text: strings.Repeat("메뉴\n카테고리\n", 60) + "로그인 후 이용하실 수 있습니다."},
			evidence.VerdictLoginWall, []string{evidence.ReasonLoginNotice}},
	})
}

// TestEmojiAndImagePosts: defect 7.
func TestEmojiAndImagePosts(t *testing.T) {
	runCases(t, []judgeCase{
		{"emoji-only post", Input{Status: 200, Text: "익명\n3분 전\n😡😡😡🔥🔥"}, evidence.VerdictComplete, []string{}},
		{"bare emoji", Input{Status: 200, Text: "😡😡😡🔥🔥"}, evidence.VerdictComplete, []string{}},
		{"image-only post", Input{Status: 200, Text: "익명\n3분 전", Images: 1}, evidence.VerdictComplete, []string{}},
		{"a loading word is still empty", Input{Status: 200, Text: "Loading…"}, evidence.VerdictEmpty, []string{evidence.ReasonNoContent}},
		{"one emoji button is still empty", Input{Status: 200, Text: "❤ 0"}, evidence.VerdictEmpty, []string{evidence.ReasonNoContent}},
	})
}

// TestCommentCounts: defect 8, the comment counts and the stronger verdicts.
func TestCommentCounts(t *testing.T) {
	news := testdata(t, "naver_news_article.txt")
	for _, tc := range []struct {
		name  string
		in    Input
		want  evidence.Verdict
		codes []string
		cc    *evidence.CommentCount
	}{
		{"fewer than claimed", Input{Status: 200, Text: news, CommentsStated: true, CommentsClaimed: 100, CommentsCaptured: 20},
			evidence.VerdictIncomplete, []string{evidence.ReasonCommentsFewer}, &evidence.CommentCount{Expected: 100, Captured: 20}},
		{"stated zero, none captured", Input{Status: 200, Text: news, CommentsStated: true},
			evidence.VerdictComplete, []string{}, &evidence.CommentCount{Expected: 0, Captured: 0}},
		{"not stated, none captured", Input{Status: 200, Text: news},
			evidence.VerdictComplete, []string{}, nil},
		{"not stated, some captured", Input{Status: 200, Text: news, CommentsClaimed: 100, CommentsCaptured: 5},
			evidence.VerdictComplete, []string{}, &evidence.CommentCount{Expected: evidence.CommentsNotStated, Captured: 5}},
		{"stated zero, some captured", Input{Status: 200, Text: news, CommentsStated: true, CommentsCaptured: 3},
			evidence.VerdictComplete, []string{}, &evidence.CommentCount{Expected: 0, Captured: 3}},
		// More captured than claimed (the site leaves deleted comments out of its count): complete,
		// with no reason (a complete verdict has none); the counts show the difference.
		{"more than claimed", Input{Status: 200, Text: news, CommentsStated: true, CommentsClaimed: 20, CommentsCaptured: 23},
			evidence.VerdictComplete, []string{}, &evidence.CommentCount{Expected: 20, Captured: 23}},
		{"negative claim", Input{Status: 200, Text: news, CommentsStated: true, CommentsClaimed: -4, CommentsCaptured: 0},
			evidence.VerdictComplete, []string{}, &evidence.CommentCount{Expected: 0, Captured: 0}},
		// A stronger verdict wins and carries no comment reason.
		{"login wall", Input{Status: 200, Text: testdata(t, "instagram_login_ko.txt"), CommentsStated: true, CommentsClaimed: 100},
			evidence.VerdictLoginWall, []string{evidence.ReasonLoginNotice}, &evidence.CommentCount{Expected: 100, Captured: 0}},
		{"deleted", Input{Status: 200, Text: testdata(t, "dcinside_deleted.txt"), CommentsStated: true, CommentsClaimed: 7},
			evidence.VerdictDeleted, []string{evidence.ReasonDeletedNotice}, &evidence.CommentCount{Expected: 7, Captured: 0}},
		{"blocked", Input{Status: 200, Title: "Just a moment...", Text: testdata(t, "cloudflare.txt"), CommentsStated: true, CommentsClaimed: 7},
			evidence.VerdictBlocked, []string{evidence.ReasonBotCheck}, &evidence.CommentCount{Expected: 7, Captured: 0}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := Judge(tc.in)
			if got.Verdict != tc.want || !slices.Equal(codes(got), tc.codes) {
				t.Errorf("got %s %v, want %s %v", got.Verdict, codes(got), tc.want, tc.codes)
			}
			if (got.Comments == nil) != (tc.cc == nil) || (got.Comments != nil && *got.Comments != *tc.cc) {
				t.Errorf("comments %+v, want %+v", got.Comments, tc.cc)
			}
		})
	}
}

// TestMoreFalseVerdicts: pages found while looking for other false verdicts.
func TestMoreFalseVerdicts(t *testing.T) {
	brief := "[속보] 선관위 \"사전투표율 오후 1시 기준 12.3%\"\n입력 2026.05.29. 오후 1:10\n" +
		"중앙선거관리위원회는 29일 오후 1시 기준 사전투표율이 12.3%로 집계됐다고 밝혔다.\n"
	runCases(t, []judgeCase{
		// A news brief is short; its comment box asks to log in to comment.
		{"Naver News brief with the comment login box", Input{Status: 200, Text: "NAVER\n뉴스\n" + brief + "댓글 12\n로그인 후 이용 가능합니다.\n정렬 옵션 선택\n순공감순"},
			evidence.VerdictComplete, []string{}},
		// A hidden 404 template's string rendered into the footer of a posting.
		{"404 string in the footer after a posting", Input{Status: 200, Text: shortPost + "페이지를 찾을 수 없습니다\n이용약관 | 개인정보처리방침\n"},
			evidence.VerdictComplete, []string{}},
		{"404 string in the footer after a poem", Input{Status: 200, Text: strings.Replace(poemPost(t), "이전글", "페이지를 찾을 수 없습니다", 1)},
			evidence.VerdictComplete, []string{}},
		// A blog whose header menu says 로그인 and whose post is short lines.
		{"blog with login menu", Input{Status: 200, Text: "블로그\n로그인\n이웃추가\n" + poemPost(t)}, evidence.VerdictComplete, []string{}},
		// DC Inside post with a comment form asking to log in for a fixed nickname.
		{"DC Inside post", Input{Status: 200, Text: "디시인사이드\n로그인\n국내야구 갤러리\n오늘 경기 직관 후기\nㅇㅇ(1.234)\n2026.05.29 22:14:03\n" +
			"9회에 역전할 줄 누가 알았냐\n응원석 분위기 미쳤다 진짜\n다음 주에 또 간다\n댓글 5\n로그인이 필요합니다 댓글을 쓰려면 로그인하세요\n등록"},
			evidence.VerdictComplete, []string{}},
		// A real wall is still a wall.
		{"login page with a comment-free wall", Input{Status: 200, Title: "Instagram", Text: testdata(t, "instagram_login_ko.txt")},
			evidence.VerdictLoginWall, []string{evidence.ReasonLoginNotice}},
	})
}
