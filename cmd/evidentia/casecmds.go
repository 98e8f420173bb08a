package main

import (
	"context"
	"flag"
	"fmt"

	"evidentia/store"
)

// caseCommand runs `cases create|edit|close|reopen`, the case actions the desktop app offers.
func (c *cli) caseCommand(ctx context.Context, sub string, args []string) (int, error) {
	fs := flag.NewFlagSet("cases "+sub, flag.ContinueOnError)
	number := fs.String("number", "", "file or docket number")
	desc := fs.String("description", "", "description")
	law := fs.String("law", "", "the provision of law the case concerns")
	rename := fs.String("rename", "", "new name (edit)")
	operator := fs.String("operator", "", "who acts")
	pos, err := parse(fs, args)
	if err != nil {
		return 0, err
	}
	if len(pos) != 1 {
		return 0, usageError{fmt.Sprintf("cases %s: give one case name", sub)}
	}
	sess := c.session()
	name := pos[0]
	switch sub {
	case "create":
		if *rename != "" {
			return 0, usageError{"cases create: --rename applies to edit"}
		}
		k, err := sess.CreateCase(ctx, store.Case{Name: name, Number: *number, Description: *desc, LawArticle: *law}, *operator)
		if err != nil {
			return 0, err
		}
		fmt.Fprintf(c.stdout, "created case \"%s\"\n", safe(k.Name))
	case "edit":
		st, err := c.openStore(ctx)
		if err != nil {
			return 0, err
		}
		old, err := st.Case(ctx, name)
		if err != nil {
			return 0, err
		}
		set := map[string]bool{}
		fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
		upd := old
		if *rename != "" {
			upd.Name = *rename
		}
		if set["number"] {
			upd.Number = *number
		}
		if set["description"] {
			upd.Description = *desc
		}
		if set["law"] {
			upd.LawArticle = *law
		}
		k, err := sess.UpdateCase(ctx, name, upd, *operator)
		if err != nil {
			return 0, err
		}
		fmt.Fprintf(c.stdout, "case \"%s\" updated\n", safe(k.Name))
	case "close", "reopen":
		if err := sess.SetCaseClosed(ctx, name, sub == "close", *operator); err != nil {
			return 0, err
		}
		fmt.Fprintf(c.stdout, "case \"%s\" %sd\n", safe(name), map[string]string{"close": "close", "reopen": "reopene"}[sub])
	}
	return exitOK, nil
}

// annotate runs `annotate ID [--tag T]... NOTE...`: a note and tags on a capture, recorded as
// a custody event (the sealed capture is not changed).
func (c *cli) annotate(ctx context.Context, args []string) (int, error) {
	fs := flag.NewFlagSet("annotate", flag.ContinueOnError)
	var tags listFlag
	fs.Var(&tags, "tag", "a tag (repeatable)")
	operator := fs.String("operator", "", "who annotates")
	pos, err := parse(fs, args)
	if err != nil {
		return 0, err
	}
	if len(pos) < 1 {
		return 0, usageError{"annotate: give a capture ID, then the note"}
	}
	note := ""
	for i, w := range pos[1:] {
		if i > 0 {
			note += " "
		}
		note += w
	}
	a, err := c.session().Annotate(ctx, pos[0], note, tags, *operator)
	if err != nil {
		return 0, err
	}
	fmt.Fprintf(c.stdout, "annotated (custody event #%d)\n", a.Seq)
	return exitOK, nil
}
