/** The command line: one class per sub-command. */
package dev.grpcedge.cli;
