from images_service.entrypoints.cli import main

main()
