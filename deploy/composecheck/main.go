// Loads compose files with compose-go, the library `docker compose` itself uses,
// so the compose schema is checked on machines without Docker. It takes the
// global flags of `docker compose` (the Makefile's, from `make -s compose-flags`),
// so relative paths resolve exactly as they will for `make up`:
//
//	composecheck [--project-directory DIR] [--env-file FILE] -f FILE [-f FILE]...
//
// It prints the project, then each build context and bind-mount source as resolved.
package main

import (
	"context"
	"fmt"
	"os"

	"github.com/compose-spec/compose-go/v2/cli"
)

func main() {
	var files, envFiles []string
	var workDir string
	args := os.Args[1:]
	for i := 0; i < len(args); i++ {
		if i+1 >= len(args) {
			fail("flag %s needs a value", args[i])
		}
		switch args[i] {
		case "-f", "--file":
			files = append(files, args[i+1])
		case "--env-file":
			envFiles = append(envFiles, args[i+1])
		case "--project-directory":
			workDir = args[i+1]
		default:
			fail("unknown flag %s (expected -f, --env-file, --project-directory)", args[i])
		}
		i++
	}
	if len(files) == 0 {
		fail("usage: composecheck [--project-directory DIR] [--env-file FILE] -f FILE...")
	}
	opts := []cli.ProjectOptionsFn{cli.WithOsEnv, cli.WithEnvFiles(envFiles...), cli.WithDotEnv}
	if workDir != "" {
		opts = append(opts, cli.WithWorkingDirectory(workDir))
	}
	options, err := cli.NewProjectOptions(files, opts...)
	if err != nil {
		fail("%v", err)
	}
	project, err := options.LoadProject(context.Background())
	if err != nil {
		fail("%v", err)
	}
	fmt.Printf("%s: %d services, valid\n", project.Name, len(project.Services))
	for _, name := range project.ServiceNames() {
		service := project.Services[name]
		if service.Build != nil {
			fmt.Printf("build %s %s\n", name, service.Build.Context)
		}
		for _, volume := range service.Volumes {
			if volume.Type == "bind" {
				fmt.Printf("bind %s %s\n", name, volume.Source)
			}
		}
	}
}

func fail(format string, args ...any) {
	fmt.Fprintf(os.Stderr, format+"\n", args...)
	os.Exit(1)
}
