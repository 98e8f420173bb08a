package evidence

import "slices"

// PageImage picks, from the artifacts arts of a capture made by method, the images that make
// up its full-page screenshot, top to bottom:
//
//   - when method lists Tiles: the tiles it lists, ordered by Y (stable), each with its Tile in
//     tiles; a listed name that arts has no artifact of is returned in missing instead;
//   - else the artifacts of role RoleTile, in the order of arts (a manifest sorts them by
//     name: tile-000, tile-001, ...), tiles nil;
//   - else the artifacts of role RoleScreenshot.
//
// A viewport screenshot (RoleViewport) shows only the first screen of the page and is not
// chosen; a reader that wants to show something rather than nothing can fall back to
// ArtifactsOfRole(arts, RoleViewport).
func PageImage(method *Method, arts []Artifact) (parts []Artifact, tiles []Tile, missing []string) {
	if method != nil && len(method.Tiles) > 0 {
		listed := slices.Clone(method.Tiles)
		slices.SortStableFunc(listed, func(a, b Tile) int { return a.Y - b.Y })
		for _, t := range listed {
			i := slices.IndexFunc(arts, func(a Artifact) bool { return a.Name == t.Name })
			if i < 0 {
				missing = append(missing, t.Name)
				continue
			}
			parts = append(parts, arts[i])
			tiles = append(tiles, t)
		}
		return parts, tiles, missing
	}
	if parts = ArtifactsOfRole(arts, RoleTile); len(parts) > 0 {
		return parts, nil, nil
	}
	return ArtifactsOfRole(arts, RoleScreenshot), nil, nil
}

// ArtifactsOfRole returns the artifacts of arts whose Role is role, in their order.
func ArtifactsOfRole(arts []Artifact, role string) []Artifact {
	var out []Artifact
	for _, a := range arts {
		if a.Role == role {
			out = append(out, a)
		}
	}
	return out
}
