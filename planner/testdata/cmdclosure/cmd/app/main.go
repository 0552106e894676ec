package main

import (
	"log"
	"os"

	"example.com/cmdclosure/cli"
)

func main() {
	if err := cli.Execute(os.Args[1:]); err != nil {
		log.Fatal(err)
	}
}
