package pairs

import "sync"

type Client struct {
	ID   string
	Room string
	buf  []byte
}

// Leave forgets the client's ID but not the client itself.
type Hub struct {
	mu      sync.Mutex
	clients map[*Client]bool // want "GR101"
	byID    map[string]*Client
}

func NewHub() *Hub {
	return &Hub{clients: map[*Client]bool{}, byID: map[string]*Client{}}
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
}

func (h *Hub) Lookup(id string) *Client {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.byID[id]
}

// Two indexes keyed by the same name; Remove cleans only one.
type Doc struct {
	Name string
	Tag  string
	Body []byte
}

type Index struct {
	byName map[string]*Doc
	tags   map[string]string // want "GR101"
}

func (ix *Index) Add(d *Doc) {
	ix.byName[d.Name] = d
	ix.tags[d.Name] = d.Tag
}

func (ix *Index) Remove(name string) {
	delete(ix.byName, name)
}
