// Command server is the program examples/go-multistage.Dockerfile builds:
// the files its COPY lines name exist, so `msls check examples/` finds the
// build context complete.
package main

import "fmt"

func main() { fmt.Println("hello from the example server") }
