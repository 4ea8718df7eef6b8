package pairs

import "sync"

type Client struct {
	ID   string
	Room string
	buf  []byte
}

// Leave removes the client from both maps.
type Hub struct {
	mu      sync.Mutex
	clients map[*Client]bool
	byID    map[string]*Client
}

func (h *Hub) Join(c *Client) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.clients[c] = true
	h.byID[c.ID] = c
}

func (h *Hub) Leave(c *Client) {
	h.mu.Lock()
	defer h.mu.Unlock()
	delete(h.byID, c.ID)
	delete(h.clients, c)
}

// A counter per room: keyed by an attribute many clients share, not by the client.
type Rooms struct {
	members map[*Client]struct{}
	perRoom map[string]int
}

func (r *Rooms) Enter(c *Client) {
	r.members[c] = struct{}{}
	r.perRoom[c.Room]++
}

func (r *Rooms) Exit(c *Client) {
	delete(r.members, c)
}

// A state machine: the adding method also drops entries from the sibling map, and the
// master map is finalised elsewhere by a handoff.
type Tracker struct {
	all     map[int]*Client
	waiting map[int]*Client
}

func (t *Tracker) Transition(id int, c *Client, blocked bool) {
	t.all[id] = c
	if blocked {
		t.waiting[id] = c
	} else {
		delete(t.waiting, id)
	}
}

func (t *Tracker) Wake(id int) {
	delete(t.waiting, id)
}

// A temporary removal: report takes the entry out and puts it back.
type Graph struct {
	height map[string]int
	edges  map[string][]string
}

func (g *Graph) Visit(name string, out []string) {
	g.height[name] = len(out)
	g.edges[name] = out
}

func (g *Graph) Report(name string) {
	out, ok := g.edges[name]
	if !ok {
		return
	}
	delete(g.edges, name)
	for _, o := range out {
		g.Report(o)
	}
	g.edges[name] = out
}

// The second map is replaced wholesale by Reset.
type Registry struct {
	byName map[string]*Client
	order  map[*Client]int
}

func (r *Registry) Register(c *Client) {
	r.byName[c.ID] = c
	r.order[c] = len(r.order)
}

func (r *Registry) Unregister(c *Client) {
	delete(r.byName, c.ID)
}

func (r *Registry) Reset() {
	r.order = map[*Client]int{}
}
