from auth_service.entrypoints.cli import main

main()
