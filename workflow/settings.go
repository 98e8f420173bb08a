package workflow

import (
	"context"
	"fmt"

	"evidentia/settings"
	"evidentia/store"
)

// RecordSettings records in the custody log which settings changed from old to new and who
// changed them (action store.ActionSettingsChanged; each changed field in the details as
// "old → new"). Nothing is recorded when nothing changed. Settings hold no secrets.
func RecordSettings(ctx context.Context, st *store.Store, old, new settings.Settings, actor string) error {
	details := map[string]string{}
	diff := func(field, a, b string) {
		if a != b {
			details[field] = fmt.Sprintf("%q → %q", a, b)
		}
	}
	diff("operator", old.Operator, new.Operator)
	diff("unit", old.Unit, new.Unit)
	diff("data_dir", old.DataDir, new.DataDir)
	diff("chrome", old.Chrome, new.Chrome)
	diff("timeout", old.Timeout.String(), new.Timeout.String())
	diff("parallel", fmt.Sprint(old.Parallel), fmt.Sprint(new.Parallel))
	diff("tsa", old.TSA, new.TSA)
	diff("lang", old.Lang, new.Lang)
	if len(details) == 0 {
		return nil
	}
	_, err := st.AppendEvent(ctx, store.Event{Actor: actor, Action: store.ActionSettingsChanged, Details: details})
	return err
}
