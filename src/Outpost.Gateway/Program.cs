// gwe: the Outpost gateway engine. The CLI follows seed 002's `gwe -h`; the daemon comes with the gwe core issue.
Console.Error.WriteLine("gwe: not built yet");
return 1;
