package rewriter

// SetAfterGenerate lets tests corrupt the result before the type-check.
func SetAfterGenerate(f func(changed map[string][]byte)) { afterGenerate = f }
