module example.com/cmdwrap

go 1.22

require github.com/spf13/cobra v1.10.2

replace github.com/spf13/cobra => ./third_party/cobra
