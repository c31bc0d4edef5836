{
  "targets": [
    {
      "target_name": "robocurse_fsx",
      "sources": ["fsx.c", "spawn-pipes.c"],
      "cflags": ["-O2", "-ffp-contract=off", "-Wall", "-Wextra", "-Wno-unused-parameter"],
      "defines": ["_GNU_SOURCE", "NAPI_VERSION=8"]
    },
    {
      "target_name": "robocurse-confine",
      "type": "executable",
      "sources": ["confine.c"],
      "cflags": ["-O2", "-Wall", "-Wextra"]
    }
  ]
}
