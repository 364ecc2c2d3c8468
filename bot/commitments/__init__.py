"""Organisation packs: adopted by an admin, actions given owners, checked in on, on a board."""
