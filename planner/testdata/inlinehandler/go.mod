module example.com/inlinehandler

go 1.22
