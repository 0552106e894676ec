// Command app starts the task server.
package main

import "example.com/layered/internal/app"

func main() { app.Run(":8080") }
