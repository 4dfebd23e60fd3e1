package changelog

// shrink drops the oldest entry of an answer over budget (the last of the
// last section that has one) and marks the changelog truncated, as
// max_commits does.
func shrink(out *Output) bool {
	if out.Commits <= 1 {
		return false
	}
	for i := len(out.Sections) - 1; i >= 0; i-- {
		s := &out.Sections[i]
		if len(s.Entries) == 0 {
			continue
		}
		s.Entries = s.Entries[:len(s.Entries)-1]
		if len(s.Entries) == 0 {
			out.Sections = append(out.Sections[:i], out.Sections[i+1:]...)
		}
		out.Commits--
		out.Truncated = true
		return true
	}
	return false
}
