package main

import (
	"context"
	"errors"
)

func runGen(args []string) error                             { return errors.New("todo") }
func runThroughput(ctx context.Context, args []string) error { return errors.New("todo") }
func runMine(args []string) error                            { return errors.New("todo") }
