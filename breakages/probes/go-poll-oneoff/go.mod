module ewc/breakages/go-poll-oneoff

go 1.24
