from sessionboard.cli.main import main

raise SystemExit(main())
